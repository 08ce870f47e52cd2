"""Run postme from a checkout without installing it: ``python cli.py --help``."""

from postme.__main__ import main

if __name__ == "__main__":
    main()
