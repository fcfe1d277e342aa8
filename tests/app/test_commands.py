"""Comment commands end to end: signed ``issue_comment`` webhooks → huey → the fake GitHub.

Payloads start from GitHub's ``issue_comment/created.with-installation.json``; only the comment
(id, body, user), the installation id and, where a test needs another, the issue number change.
"""

from __future__ import annotations

import threading

import pytest

from app import commands, pull_request
from app.github import BOT_AUTHOR
from app.outcome import Outcome
from app.plan import plan
from app.publish import BLOCKED, DELETE_STEP, RECREATE_STEP, SUPERSEDED_COMMENT
from rewriters.versions import Minor
from tests.app import test_jobs
from tests.app.test_jobs import (
    INSTALLATION,
    REPO,
    drain,
    installation_created,
    push_to_default_branch,
)
from tests.conftest import POLICY
from tests.fakes import webhooks
from tests.fakes.github import BOT

app = test_jobs.app  # the fixture: molt's web app and jobs, wired to the fake GitHub
BRANCH = "molt/python-3.11"
MENTION = "@molt-bot"
PYPROJECT = """\
[project]
name = "hello"
requires-python = ">=3.9"
classifiers = [
    "Programming Language :: Python :: 3.9",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
]
"""
TOX = "[tox]\nenvlist = py39, py310, py311\n"
FILES = {"pyproject.toml": PYPROJECT, "tox.ini": TOX}


def reply(outcome, number=1, mention=MENTION):
    return commands.REPLIES[outcome].format(number=number, mention=mention)


def user(login):
    shape = webhooks.load_json("issue_comment/created.with-installation.json")["comment"]["user"]
    kind = "Bot" if login.endswith("[bot]") else "User"
    return shape | {"login": login, "type": kind}


def comment(server, fake, body, login="Codertocat", number=1, event="created"):
    """Comment ``body`` as ``login`` on issue or pull request ``number``, and deliver it."""
    made = fake.add_comment(REPO, number, body, login)
    name = "created.with-installation" if event == "created" else event
    payload = webhooks.load_json(f"issue_comment/{name}.json")
    payload["installation"] = {"id": INSTALLATION, "node_id": "x"}
    payload["comment"] |= {"id": made.id, "body": body, "user": user(login)}
    payload["issue"]["number"] = number
    assert server.deliver("issue_comment", payload).status_code == 202
    return made


def replies(fake, number=1):
    return [c.body for c in fake.comments(REPO, number) if c.user == BOT]


def eyes(fake):
    return [(r.comment_id, r.user) for r in fake.reactions if r.content == "eyes"]


@pytest.fixture
def opened(app, fake_github):
    """molt's pull request #1 is open."""
    server, jobs = app
    fake_github.add_repo(REPO, FILES, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert (pull.number, pull.head, pull.state) == (1, BRANCH, "open")
    return pull


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    (
        pytest.param("@molt-bot rebase", [("rebase", "")], id="one"),
        pytest.param("@Molt-Bot REBASE.", [("rebase", "")], id="case-and-full-stop"),
        pytest.param("@molt-bot keep 3.10\n@molt-bot rebase", [("keep", "3.10"), ("rebase", "")]),
        pytest.param("Thanks!\n  @molt-bot minimum 3.12  \n", [("minimum", "3.12")], id="amid"),
        pytest.param("> @molt-bot rebase", [], id="quoted"),
        pytest.param(">@molt-bot rebase\n> > @molt-bot ignore", [], id="nested-quote"),
        pytest.param("```\n@molt-bot rebase\n```\n", [], id="fenced"),
        pytest.param("~~~text\n@molt-bot rebase\n~~~\n@molt-bot help", [("help", "")]),
        pytest.param("    @molt-bot rebase", [], id="indented-code"),
        pytest.param("please @molt-bot rebase", [], id="not-at-line-start"),
        pytest.param("@molt-botx rebase\n@molt-bot\n", [], id="other-name-and-no-word"),
        pytest.param("`@molt-bot rebase`", [], id="inline-code"),
    ),
)
def test_parse(text, expected):
    assert commands.parse(text, "molt-bot") == [commands.Command(*c) for c in expected]


@pytest.mark.parametrize(
    ("user", "bot"),
    (
        ({"login": "dependabot[bot]", "type": "Bot"}, True),
        ({"login": "molt-bot[bot]", "type": "Bot"}, True),
        ({"login": "renovate", "type": "Bot"}, True),
        ({"login": "weird[bot]", "type": "User"}, True),
        ({"login": "Codertocat", "type": "User"}, False),
    ),
)
def test_is_bot(user, bot):
    assert commands.is_bot(user) is bot


def test_permissions_are_cached_briefly(fake_github):
    from app import github as gh

    fake_github.add_repo("octo/r", {})
    repo = gh.Repository(gh.client_for_token("t", fake_github.url, throttle=False), "octo/r")
    now = [0.0]
    permissions = commands.Permissions(ttl=60, clock=lambda: now[0])
    fake_github.set_permission("octo/r", "alice", "write")
    assert permissions.may_command(repo, "alice")
    fake_github.set_permission("octo/r", "alice", "read")
    assert permissions.may_command(repo, "alice")  # still cached
    now[0] = 61
    assert not permissions.may_command(repo, "alice")
    asked = [r for r in fake_github.requests if r.path.endswith("/permission")]
    assert len(asked) == 2


def test_permissions_kept_are_bounded(fake_github):
    from app import github as gh

    fake_github.add_repo("octo/r", {})
    repo = gh.Repository(gh.client_for_token("t", fake_github.url, throttle=False), "octo/r")
    permissions = commands.Permissions(maximum=1)
    for login in ("alice", "bob", "alice"):
        permissions.may_command(repo, login)
    asked = [r for r in fake_github.requests if r.path.endswith("/permission")]
    assert len(asked) == 3  # bob's pushed alice's out


# --- every command ----------------------------------------------------------------------------


def test_rebase_regenerates_on_the_moved_default_branch(app, fake_github, opened):
    server, jobs = app
    master = fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    made = comment(server, fake_github, "@molt-bot rebase")
    drain(jobs)
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert (newest.parents, newest.author) == ((master,), BOT_AUTHOR)
    assert eyes(fake_github) == [(made.id, BOT)]
    assert replies(fake_github) == [reply(Outcome.UPDATED)]


def test_rebase_refuses_to_overwrite_others_and_explains_recreate(app, fake_github, opened):
    server, jobs = app
    theirs = fake_github.push(REPO, {"NOTES.md": "x\n"}, "WIP", branch=BRANCH, author="alice")
    fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    comment(server, fake_github, "@molt-bot rebase")
    drain(jobs)
    assert fake_github.branches(REPO)[BRANCH] == theirs
    recreate = RECREATE_STEP.format(mention=MENTION)
    assert replies(fake_github) == [BLOCKED.format(branch=BRANCH, next_step=recreate)]


def test_recreate_discards_others_commits_and_reopens(app, fake_github, opened):
    server, jobs = app
    fake_github.push(REPO, {"NOTES.md": "x\n"}, "WIP", branch=BRANCH, author="alice")
    fake_github.close_pull(REPO, 1)
    comment(server, fake_github, "@molt-bot recreate")
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert pull.state == "open"
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert (newest.author, newest.parents) == (BOT_AUTHOR, (fake_github.branches(REPO)["master"],))
    assert "NOTES.md" not in fake_github.branch_files(REPO, BRANCH)
    assert replies(fake_github) == [reply(Outcome.REOPENED)]


def test_ignore_closes_for_good_and_unignore_reopens(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot ignore")
    drain(jobs)
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]
    ignored = commands.IGNORED.format(minimum="3.11", mention=MENTION)
    assert replies(fake_github) == [ignored]
    after = fake_github.push(REPO, {"tox.ini": "[tox]\nenvlist = py39, py312\n"}, "tox")
    server.deliver("push", push_to_default_branch(after))
    drain(jobs)
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]  # the scan left it closed
    comment(server, fake_github, "@molt-bot unignore")
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert pull.state == "open"
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert newest.parents == (after,)  # regenerated on the default branch as it is now
    assert replies(fake_github) == [ignored, reply(Outcome.REOPENED)]


def test_minimum_retargets_to_a_new_branch_and_closes_the_old_pull_request(
    app, fake_github, opened
):
    server, jobs = app
    comment(server, fake_github, "@molt-bot minimum 3.12")
    drain(jobs)
    old, new = fake_github.pulls(REPO)
    assert (old.state, new.state, new.head) == ("closed", "open", "molt/python-3.12")
    assert BRANCH not in fake_github.branches(REPO)
    assert (
        'requires-python = ">=3.12"' in fake_github.branch_files(REPO, new.head)["pyproject.toml"]
    )
    assert pull_request.overrides(new.body or "") == pull_request.Overrides(minimum=Minor(3, 12))
    assert replies(fake_github) == [
        SUPERSEDED_COMMENT.format(number=2, minimum="3.12"),
        reply(Outcome.RETARGETED, number=2),
    ]
    # The choice lives in the pull request: a later push keeps it, opening no 3.11 one.
    after = fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    server.deliver("push", push_to_default_branch(after))
    drain(jobs)
    assert [(p.head, p.state) for p in fake_github.pulls(REPO)] == [
        (BRANCH, "closed"),
        ("molt/python-3.12", "open"),
    ]


@pytest.mark.parametrize(
    ("argument", "expected"),
    (
        ("3.99", commands.BAD_VERSION.format(argument="3.99", mention=MENTION, name="minimum")),
        ("three", commands.BAD_VERSION.format(argument="three", mention=MENTION, name="minimum")),
        ("3.8", commands.MINIMUM_NOTHING.format(minimum="3.8")),
    ),
)
def test_minimum_is_validated(app, fake_github, opened, argument, expected):
    server, jobs = app
    head = fake_github.branches(REPO)[BRANCH]
    comment(server, fake_github, f"@molt-bot minimum {argument}")
    drain(jobs)
    assert replies(fake_github) == [expected]
    assert fake_github.branches(REPO)[BRANCH] == head
    assert [p.state for p in fake_github.pulls(REPO)] == ["open"]


def test_keep_records_the_version_in_the_body_and_regenerates(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot keep 3.10")
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert fake_github.branch_files(REPO, BRANCH)["tox.ini"] == "[tox]\nenvlist = py310, py311\n"
    # requires-python admits what the lists still test
    assert 'requires-python = ">=3.10"' in fake_github.branch_files(REPO, BRANCH)["pyproject.toml"]
    assert pull_request.KEPT.format(mention=MENTION, versions="3.10") in (pull.body or "")
    assert " · keep 3.10 -->" in (pull.body or "")
    assert replies(fake_github) == [reply(Outcome.UPDATED)]
    # A later regeneration keeps it: the state is on GitHub, not in molt.
    comment(server, fake_github, "@molt-bot rebase")
    drain(jobs)
    assert fake_github.branch_files(REPO, BRANCH)["tox.ini"] == "[tox]\nenvlist = py310, py311\n"


def test_keep_of_a_version_not_dropped(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot keep 3.12")
    drain(jobs)
    assert replies(fake_github) == [commands.KEEP_NOT_DROPPED.format(version="3.12")]


def test_preview_in_an_issue_replies_with_the_diff_and_opens_nothing(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, FILES, default_branch="master")
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot preview", number=issue)
    drain(jobs)
    (text,) = replies(fake_github, issue)
    assert text == commands.render_preview(plan(FILES, POLICY))
    assert "<summary>Diff</summary>" in text
    assert '-requires-python = ">=3.9"\n+requires-python = ">=3.11"' in text
    assert "- `tox.ini`: " in text
    assert fake_github.pulls(REPO) == []
    assert list(fake_github.branches(REPO)) == ["master"]


def test_open_beside_a_branch_others_pushed_to_says_to_delete_it(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, FILES, default_branch="master")
    master = fake_github.branches(REPO)["master"]
    theirs = fake_github.push(REPO, {"NOTES.md": "x\n"}, "WIP", branch=BRANCH, author="alice")
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot open", number=issue)
    drain(jobs)
    assert fake_github.branches(REPO) == {"master": master, BRANCH: theirs}
    # no pull request to comment `recreate` on: the way out is to delete the branch
    assert replies(fake_github, issue) == [BLOCKED.format(branch=BRANCH, next_step=DELETE_STEP)]


def test_open_from_an_issue_opens_the_pull_request_once(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, FILES, default_branch="master")
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot open", number=issue)
    drain(jobs)
    comment(server, fake_github, "@molt-bot open", number=issue)
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert (pull.number, pull.head, pull.state) == (2, BRANCH, "open")
    assert replies(fake_github, issue) == [
        reply(Outcome.OPENED, number=2),
        reply(Outcome.UP_TO_DATE, number=2),
    ]


def test_help_replies_with_the_command_list(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot help")
    drain(jobs)
    assert replies(fake_github) == [pull_request.command_help("molt-bot")]


def test_several_commands_in_one_comment_get_one_reply(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot ignore\n@molt-bot unignore")
    drain(jobs)
    assert fake_github.pulls(REPO)[0].state == "open"
    ignored = commands.IGNORED.format(minimum="3.11", mention=MENTION)
    assert replies(fake_github) == [f"{ignored}\n\n{reply(Outcome.REOPENED)}"]


# --- who may command, and what is not a command -----------------------------------------------


@pytest.mark.parametrize("level", ["write", "admin"])
def test_users_with_write_access_may_command(app, fake_github, opened, level):
    server, jobs = app
    fake_github.set_permission(REPO, "hubot", level)
    comment(server, fake_github, "@molt-bot help", login="hubot")
    drain(jobs)
    assert replies(fake_github) == [pull_request.command_help("molt-bot")]


def test_user_without_write_access_gets_one_polite_reply(app, fake_github, opened):
    server, jobs = app
    head = fake_github.branches(REPO)[BRANCH]
    comment(server, fake_github, "@molt-bot ignore\n@molt-bot rebase", login="passer-by")
    drain(jobs)
    assert replies(fake_github) == [commands.NOT_ALLOWED.format(author="passer-by")]
    assert not pull_request.box_ticked(fake_github.pulls(REPO)[0].body or "")
    assert eyes(fake_github) == []
    assert fake_github.pulls(REPO)[0].state == "open"
    assert fake_github.branches(REPO)[BRANCH] == head


@pytest.mark.parametrize("login", ["dependabot[bot]", BOT])
def test_bots_are_ignored_without_a_request(app, fake_github, opened, login):
    server, jobs = app
    before = len(fake_github.requests_for(REPO))
    made = comment(server, fake_github, "@molt-bot rebase", login=login)
    drain(jobs)
    assert len(fake_github.requests_for(REPO)) == before
    assert [c.id for c in fake_github.comments(REPO, 1)] == [made.id]
    assert eyes(fake_github) == []


@pytest.mark.parametrize(
    "body",
    [
        "> @molt-bot ignore\n\nWhy would I?",
        "Type this:\n\n```\n@molt-bot ignore\n```\n",
        "Maybe `@molt-bot ignore`?",
    ],
    ids=["quote", "code-block", "inline-code"],
)
def test_quoted_commands_do_nothing(app, fake_github, opened, body):
    server, jobs = app
    comment(server, fake_github, body)
    drain(jobs)
    assert (replies(fake_github), eyes(fake_github)) == ([], [])
    assert fake_github.pulls(REPO)[0].state == "open"


def test_unknown_command_gets_the_list(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot frobnicate now")
    drain(jobs)
    table = pull_request.command_help("molt-bot")
    unknown = commands.UNKNOWN.format(mention=MENTION, word="frobnicate now", table=table)
    assert replies(fake_github) == [unknown]


@pytest.mark.parametrize("event", ["edited", "deleted"])
def test_edited_and_deleted_comments_do_nothing(app, fake_github, opened, event):
    server, jobs = app
    comment(server, fake_github, "@molt-bot ignore", event=event)
    drain(jobs)
    assert (replies(fake_github), eyes(fake_github)) == ([], [])
    assert fake_github.pulls(REPO)[0].state == "open"


def test_command_on_a_closed_pull_request(app, fake_github, opened):
    server, jobs = app
    fake_github.close_pull(REPO, 1)
    head = fake_github.branches(REPO)[BRANCH]
    comment(server, fake_github, "@molt-bot rebase")
    drain(jobs)
    assert replies(fake_github) == [commands.CLOSED.format(name="rebase", mention=MENTION)]
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]
    assert fake_github.branches(REPO)[BRANCH] == head


def test_pull_request_commands_elsewhere_are_refused(app, fake_github, opened):
    server, jobs = app
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot rebase", number=issue)
    drain(jobs)
    assert replies(fake_github, issue) == [
        commands.NOT_MOLT_PULL.format(mention=MENTION, name="rebase")
    ]


def test_commands_are_addressed_to_the_apps_own_slug(app, fake_github, opened):
    server, jobs = app
    fake_github.world.app_slug = "drop-eol"
    jobs._login = None  # a fresh process: the slug is read from GET /app
    comment(server, fake_github, "@molt-bot help")
    comment(server, fake_github, "@drop-eol help")
    drain(jobs)
    assert replies(fake_github) == [pull_request.command_help("drop-eol")]
    assert "`@drop-eol rebase`" in replies(fake_github)[0]


# --- races and failures -----------------------------------------------------------------------


def test_two_commands_racing_are_serialised_and_open_one_pull_request(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, FILES, default_branch="master")
    fake_github.set_permission(REPO, "hubot", "write")
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot open", number=issue)
    comment(server, fake_github, "@molt-bot open", login="hubot", number=issue)
    huey = jobs.huey
    for _ in range(2):  # the two events queue their command tasks
        huey.execute(huey.dequeue())
    tasks = [huey.dequeue(), huey.dequeue()]
    start = threading.Barrier(2)

    def execute(task):
        start.wait()
        huey.execute(task)

    threads = [threading.Thread(target=execute, args=(t,)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain(jobs, scheduled=True)  # the one that found the repository locked runs again
    (pull,) = fake_github.pulls(REPO)
    assert pull.state == "open"
    assert sorted(replies(fake_github, issue)) == sorted(
        [reply(Outcome.OPENED, number=2), reply(Outcome.UP_TO_DATE, number=2)]
    )


def test_command_during_a_502_is_retried(app, fake_github, opened):
    server, jobs = app
    fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    fake_github.fail_next("POST", f"/repos/{REPO}/git/trees", 502)
    comment(server, fake_github, "@molt-bot rebase")
    drain(jobs)
    assert replies(fake_github) == []
    drain(jobs, scheduled=True)
    assert replies(fake_github) == [reply(Outcome.UPDATED)]


def test_command_failing_on_every_try_is_reported_in_the_thread(app, fake_github, opened):
    server, jobs = app
    head = fake_github.branches(REPO)[BRANCH]
    fake_github.fail_next("POST", f"/repos/{REPO}/git/trees", 502, times=100)
    comment(server, fake_github, "@molt-bot rebase")
    drain(jobs, scheduled=True)
    failed = commands.FAILED.format(
        command="@molt-bot rebase", error="GitHub answered 502: Server Error", tries=5
    )
    assert replies(fake_github) == [failed]
    tries = [r for r in fake_github.requests if r.status == 502]
    assert len(tries) == 5
    assert fake_github.branches(REPO)[BRANCH] == head


# --- the check-box --------------------------------------------------------------------------


def ticked(server, fake, login="Codertocat"):
    """Tick the box in #1's body as ``login`` would in the browser, and deliver the event."""
    pr = fake.world.repo(REPO).pull(1)
    old = pr.body
    pr.body = old.replace(pull_request.REBASE_BOX, "- [x] rebase/retry this PR")
    payload = webhooks.load_json("pull_request/opened.json")
    payload |= {"action": "edited", "number": 1, "changes": {"body": {"from": old}}}
    payload["installation"] = {"id": INSTALLATION, "node_id": "x"}
    payload["pull_request"] |= {"number": 1, "body": pr.body, "state": "open"}
    payload["pull_request"]["head"]["ref"] = BRANCH
    payload["sender"] = user(login)
    assert server.deliver("pull_request", payload).status_code == 202


def test_ticking_the_box_rebases_and_unticks_it(app, fake_github, opened):
    server, jobs = app
    assert pull_request.REBASE_BOX in (opened.body or "")
    master = fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    ticked(server, fake_github)
    drain(jobs)
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert newest.parents == (master,)
    body = fake_github.pulls(REPO)[0].body or ""
    assert pull_request.REBASE_BOX in body and not pull_request.box_ticked(body)
    assert replies(fake_github) == [reply(Outcome.UPDATED)]


def test_ticking_the_box_without_write_access_only_unticks_it(app, fake_github, opened):
    server, jobs = app
    head = fake_github.branches(REPO)[BRANCH]
    ticked(server, fake_github, login="passer-by")
    drain(jobs)
    assert fake_github.branches(REPO)[BRANCH] == head
    assert replies(fake_github) == [commands.NOT_ALLOWED.format(author="passer-by")]
    assert not pull_request.box_ticked(fake_github.pulls(REPO)[0].body or "")


# --- refusals that leave everything as it was ----------------------------------------------


def test_commands_on_a_merged_pull_request(app, fake_github, opened):
    server, jobs = app
    fake_github.close_pull(REPO, 1, merged=True)
    comment(server, fake_github, "@molt-bot recreate")
    drain(jobs)
    assert replies(fake_github) == [commands.MERGED.format(name="recreate")]


def test_ignore_of_a_closed_and_unignore_of_an_open_pull_request(app, fake_github, opened):
    server, jobs = app
    comment(server, fake_github, "@molt-bot unignore")
    drain(jobs)
    fake_github.close_pull(REPO, 1)
    comment(server, fake_github, "@molt-bot ignore\n@molt-bot keep 3.10")
    drain(jobs)
    closed = commands.CLOSED.format(name="keep", mention=MENTION)
    assert replies(fake_github) == [
        commands.NOT_IGNORED,
        f"{commands.ALREADY_CLOSED}\n\n{closed}",
    ]
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]


def test_unignore_after_the_branch_was_deleted_opens_a_new_pull_request(app, fake_github, opened):
    server, jobs = app
    fake_github.close_pull(REPO, 1)
    fake_github.world.repo(REPO).store.refs.pop(f"refs/heads/{BRANCH}")
    comment(server, fake_github, "@molt-bot unignore")
    drain(jobs)
    assert [(p.number, p.state) for p in fake_github.pulls(REPO)] == [(1, "closed"), (2, "open")]
    assert replies(fake_github) == [reply(Outcome.OPENED, number=2)]


def test_preview_of_a_repository_molt_skips(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"index.js": "1\n"}, default_branch="master")
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot preview", number=issue)
    drain(jobs)
    assert replies(fake_github, issue) == [reply(Outcome.SKIPPED, number=None)]


def test_preview_when_nothing_needs_changing(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"tox.ini": "[tox]\nenvlist = py312\n"}, default_branch="master")
    issue = fake_github.add_issue(REPO)
    comment(server, fake_github, "@molt-bot preview", number=issue)
    drain(jobs)
    assert replies(fake_github, issue) == [commands.NOTHING_TO_PREVIEW]
