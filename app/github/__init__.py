"""GitHub behind a narrow interface: auth, tree, files, one-commit pushes, pull requests, comments,
reviews, merges and CI results.

This is the only package that imports PyGithub.  It returns molt's own NamedTuples and raises
molt's own errors (``app.errors``), so the rest of the App never sees a PyGithub type.
``failures`` translates errors, ``clients`` builds clients and lists installations,
``repository`` is one repository's calls, ``contents`` what molt reads of one, ``ci`` what
GitHub says of a commit's CI and a pull request's reviews.
"""

from app.github.ci import CheckRun, CheckSuite, CommitStatus, Review
from app.github.clients import (
    TIMEOUT_SECONDS,
    Client,
    app_slug,
    client_for_installation,
    client_for_token,
    describe_repository,
    installation_ids,
    installation_repositories,
)
from app.github.contents import LISTINGS_MAX, MAX_FILE_BYTES, Listings, Tree, TreeEntry
from app.github.failures import translate, translated
from app.github.repository import (
    BOT_AUTHOR,
    BOT_EMAIL,
    CHECK_NAME,
    CONFIG_CHECK_TITLE,
    UNREADABLE_CHECK_TITLE,
    BranchHead,
    Comment,
    Pull,
    Repository,
)

__all__ = [
    "BOT_AUTHOR",
    "BOT_EMAIL",
    "CHECK_NAME",
    "CONFIG_CHECK_TITLE",
    "LISTINGS_MAX",
    "MAX_FILE_BYTES",
    "TIMEOUT_SECONDS",
    "UNREADABLE_CHECK_TITLE",
    "BranchHead",
    "CheckRun",
    "CheckSuite",
    "Client",
    "Comment",
    "CommitStatus",
    "Listings",
    "Pull",
    "Repository",
    "Review",
    "Tree",
    "TreeEntry",
    "app_slug",
    "client_for_installation",
    "client_for_token",
    "describe_repository",
    "installation_ids",
    "installation_repositories",
    "translate",
    "translated",
]
