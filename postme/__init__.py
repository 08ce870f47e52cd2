"""postme: check a Puskesmas social media planner and write the weekly analysis back."""

__version__ = "0.1.0"
