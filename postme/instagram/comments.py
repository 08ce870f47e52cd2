"""Comments on the account's recent posts, read with instaloader's own comment objects.

Two ways in, one record shape out (:class:`CommentRecord`):

- offline, :func:`read_comment_files`: the ``<post>_comments.json`` files that
  ``instaloader --comments`` writes beside a post's metadata file (``<post>.json`` or
  ``.json.xz``). Each list item is turned back into instaloader's ``PostComment`` (and its
  ``PostCommentAnswer`` replies) exactly as ``Post.get_comments()`` builds them from a
  GraphQL node, so both ways read the same objects.
- live, :class:`LiveComments`: ``Post.from_shortcode(...).get_comments()`` with the saved
  session, every request counted by the same bounded rate controller as ``collect`` and
  stopped before the budget is exceeded (the comments read so far are kept, exit 4).

Privacy: commenter names and texts are carried in the records only. Notes, logs and
errors name posts (shortcodes), files and counts, never a commenter or a text.
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import instaloader
from instaloader.structures import PostComment, PostCommentAnswer

from postme.i18n import _
from postme.instagram.base import (
    PostRecord,
    node_value,
    post_link,
    post_type_of,
    translate_instaloader_error,
)
from postme.instagram.live import FETCH_FAILURES, BudgetedReader, BudgetReached
from postme.links import account_key

COMMENTS_SUFFIX = "_comments.json"


@dataclass(frozen=True)
class CommentRecord:
    """One comment (or a reply in its thread). ``id`` is text: Instagram's 17-18 digit ids
    do not fit a spreadsheet number exactly."""

    id: str
    shortcode: str
    link: str
    created_at: datetime  # timezone-aware UTC
    owner: str  # username, lower case ("" when Instagram did not say)
    text: str
    likes: int
    by_account: bool  # written by the account itself
    replies: tuple[CommentRecord, ...] = ()


@dataclass(frozen=True)
class CommentsCollection:
    comments: tuple[CommentRecord, ...]  # top-level comments, oldest first
    posts_read: int  # posts whose comments were read (in full or in part)
    requests_used: int  # 0 offline
    complete: bool  # False when stopped early (budget, a failure part way): see notes
    notes: tuple[str, ...]  # plain messages, with no commenter name or text


# --- instaloader objects → records ---------------------------------------------------------


def _aware(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=UTC) if naive_utc.tzinfo is None else naive_utc


def _username(profile: instaloader.Profile) -> str:
    try:
        return str(profile.username).lower()
    except (KeyError, AttributeError):
        return ""


def record_from_comment(
    comment: PostComment | PostCommentAnswer,
    post: PostRecord | tuple[str, str],
    account: str,
) -> CommentRecord:
    """A :class:`CommentRecord` from instaloader's ``PostComment`` (its answers included)
    or ``PostCommentAnswer``; ``post`` gives the shortcode and link (a record or a pair)."""
    shortcode, link = (post.shortcode, post.link) if isinstance(post, PostRecord) else post
    owner = _username(comment.owner)
    replies: tuple[CommentRecord, ...] = ()
    if isinstance(comment, PostComment):
        replies = tuple(
            sorted(
                (
                    record_from_comment(answer, (shortcode, link), account)
                    for answer in comment.answers
                ),
                key=lambda r: (r.created_at, r.id),
            )
        )
    return CommentRecord(
        id=str(comment.id),
        shortcode=shortcode,
        link=link,
        created_at=_aware(comment.created_at_utc),
        owner=owner,
        text=str(comment.text or ""),
        likes=int(comment.likes_count or 0),
        by_account=bool(account) and owner == account_key(account),
        replies=replies,
    )


def comments_from_json(
    context: instaloader.InstaloaderContext, post: instaloader.Post, items: Sequence[Any]
) -> list[PostComment]:
    """instaloader's own ``PostComment`` objects from a ``_comments.json`` list.

    The file holds what ``Instaloader.update_comments`` wrote with its
    ``_postcomment_asdict``: ``id``, ``created_at`` (Unix seconds), ``text``, ``owner`` (the
    profile node), ``likes_count`` and ``answers`` (the same fields). This is the inverse: the
    GraphQL comment node ``Post.get_comments()`` wraps, and ``PostCommentAnswer`` built as
    its ``_postcommentanswer`` builds them. Raises KeyError/TypeError/ValueError on a
    malformed item.
    """

    def answer(item: dict[str, Any]) -> PostCommentAnswer:
        return PostCommentAnswer(
            id=int(item["id"]),
            created_at_utc=datetime.fromtimestamp(int(item["created_at"]), UTC).replace(
                tzinfo=None
            ),
            text=item["text"],
            owner=instaloader.Profile(context, item["owner"]),
            likes_count=item.get("likes_count") or 0,
        )

    comments: list[PostComment] = []
    for item in items:
        if not isinstance(item, dict):
            raise TypeError("a comment is not a JSON object")
        node = {
            "id": int(item["id"]),
            "created_at": int(item["created_at"]),
            "text": item["text"],
            "owner": item["owner"],
            "edge_liked_by": {"count": item.get("likes_count") or 0},
        }
        answers = [answer(a) for a in item.get("answers") or ()]
        comments.append(PostComment(context=context, node=node, answers=iter(answers), post=post))
    return comments


# --- offline: the files instaloader --comments writes ----------------------------------------


def _post_file_for(comments_file: Path) -> Path | None:
    base = comments_file.name[: -len(COMMENTS_SUFFIX)]
    for suffix in (".json", ".json.xz"):
        candidate = comments_file.with_name(base + suffix)
        if candidate.is_file():
            return candidate
    return None


def _post_pair(post: instaloader.Post) -> tuple[str, str, datetime]:
    node: dict[str, Any] = post._node
    post_type = post_type_of(node) or "photo"
    return post.shortcode, post_link(post.shortcode, post_type), _aware(post.date_utc)


def read_comment_files(folder: Path, account: str, since: datetime) -> CommentsCollection:
    """Comments of the posts dated on or after ``since`` from a folder written by
    ``instaloader --comments`` (any depth). A comments file without its post's metadata
    file beside it, or one that cannot be read, is skipped with a note."""
    from postme.errors import InputFileError
    from postme.instagram.jsondir import OfflineContext

    if not folder.is_dir():
        raise InputFileError(
            _("The folder {path} does not exist or is not a folder.").format(path=folder)
        )
    context = OfflineContext()
    notes: list[str] = []
    found: dict[str, CommentRecord] = {}
    posts_read = 0
    for path in sorted(folder.rglob("*" + COMMENTS_SUFFIX)):
        post_file = _post_file_for(path)
        if post_file is None:
            notes.append(
                _(
                    "{path}: no post metadata file beside it (instaloader --metadata-json), "
                    "so its post is unknown; skipped."
                ).format(path=path.name)
            )
            continue
        try:
            post = instaloader.load_structure_from_file(context, str(post_file))
            if not isinstance(post, instaloader.Post):
                raise TypeError("not a post")
            shortcode, link, posted_at = _post_pair(post)
            if posted_at < since:
                continue
            items = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(items, list):
                raise TypeError("not a list")
            comments = comments_from_json(context, post, items)
            # Without a configured account, the post's owner is the account.
            owner = account or str(node_value(post._node, ("owner", "username")) or "")
            records = [record_from_comment(c, (shortcode, link), owner) for c in comments]
        except (OSError, ValueError, TypeError, KeyError, lzma.LZMAError, AssertionError) as err:
            notes.append(
                _("{path}: not a readable instaloader comments file ({detail}); skipped.").format(
                    path=path.name, detail=type(err).__name__
                )
            )
            continue
        posts_read += 1
        for record in records:
            found.setdefault(record.id, record)
    ordered = sorted(found.values(), key=lambda r: (r.created_at, r.id))
    return CommentsCollection(tuple(ordered), posts_read, 0, True, tuple(notes))


# --- live: Post.get_comments() with the saved session, within the budget -------------------


class LiveComments(BudgetedReader):
    """Comments of the given posts read live with the saved session.

    Each post costs one request for its metadata plus one per page of comments (and one
    per long reply thread); a post with a known comment count of 0 costs nothing.
    ``fetch`` raises ``InstagramError`` when nothing could be read; when it stops part way
    (budget spent, or a failure after some posts) it returns what it read with
    ``complete=False`` and a note.
    """

    def fetch(self, posts: Iterable[PostRecord]) -> CommentsCollection:
        wanted = [p for p in posts if p.comments != 0]
        loader, controller = self.open_loader()
        found: dict[str, CommentRecord] = {}
        posts_read = 0
        complete = True
        notes: list[str] = []
        try:
            notes.extend(self.load_session(loader))
            for post in wanted:
                item = instaloader.Post.from_shortcode(loader.context, post.shortcode)
                for comment in item.get_comments():
                    record = record_from_comment(comment, post, self.username)
                    found.setdefault(record.id, record)
                posts_read += 1
        except BudgetReached as stop:
            complete = False
            notes.append(
                _(
                    "Comments: stopped after {count} requests (the budget for comments). The "
                    "comments of {read} of {total} posts were read and kept; the rest are read "
                    "on the next run."
                ).format(count=stop.used, read=posts_read, total=len(wanted))
            )
        except FETCH_FAILURES as err:
            error = translate_instaloader_error(err, username=self.username)
            if not found and posts_read == 0:
                raise error from err
            complete = False
            notes.append(
                _("Comments: {message} The comments read before this were kept.").format(
                    message=str(error)
                )
            )
        finally:
            loader.close()  # type: ignore[no-untyped-call]
        ordered = sorted(found.values(), key=lambda r: (r.created_at, r.id))
        return CommentsCollection(
            tuple(ordered), posts_read, controller.requests_used, complete, tuple(notes)
        )
