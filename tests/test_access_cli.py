"""`python -m access`: users are managed from the server's shell; a password never travels
as an argument; the first administrator is created once and its password printed once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from access import Access, Actor, LoginFailed
from access import cli as access_cli
from tests.access_support import settings_for

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-from-test"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("HEZE_DATA_DIR", str(data))
    monkeypatch.delenv("HEZE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no heze.toml beside the tests' working directory matters
    return data


def access_for(data: Path) -> Access:
    return Access(data / "app.db", settings=settings_for(data))


def cli(*argv: str, stdin: str | None = "", data: Path) -> subprocess.CompletedProcess:
    """The real command, in a fresh process, with standard input from a pipe (not a TTY)."""
    env = {k: v for k, v in os.environ.items() if k != "HEZE_CONFIG"}
    env["HEZE_DATA_DIR"] = str(data)
    return subprocess.run([sys.executable, "-m", "access", *argv], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=60)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = access_cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


class FakeStdin:
    def __init__(self, text: str = "", tty: bool = False):
        self.text, self.tty = text, tty

    def isatty(self) -> bool:
        return self.tty

    def readline(self) -> str:
        line, _, self.text = self.text.partition("\n")
        return line + "\n"


@pytest.mark.parametrize("argv", [
    ["--password", SECRET], [f"--password={SECRET}"], ["-p", SECRET], ["--pass", SECRET],
    ["--passwd", SECRET],
])
def test_a_password_given_as_an_argument_is_refused_and_never_echoed(data_dir, argv):
    done = cli("users", "add", "zhang", "--role", "leader", *argv, data=data_dir)
    assert done.returncode == 2
    assert SECRET not in done.stdout + done.stderr
    assert "--password-stdin" in done.stderr and "密码不能写在命令行参数中" in done.stderr
    assert access_for(data_dir).get_user("zhang") is None


def test_the_password_is_read_from_standard_input_with_password_stdin(data_dir):
    done = cli("users", "add", "zhang", "--role", "county", "--county", "曹县",
               "--display-name", "张三", "--password-stdin", stdin=SECRET + "\n", data=data_dir)
    assert done.returncode == 0, done.stderr
    assert "已新建用户 zhang" in done.stdout and SECRET not in done.stdout + done.stderr
    login = access_for(data_dir).authenticate("zhang", SECRET)
    assert (login.user.display_name, login.user.county_scope) == ("张三", (371721,))


def test_without_a_terminal_and_without_password_stdin_nothing_is_created(data_dir):
    done = cli("users", "add", "zhang", "--role", "leader", stdin=SECRET + "\n", data=data_dir)
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr
    assert access_for(data_dir).get_user("zhang") is None


def test_at_a_terminal_the_password_is_asked_twice_and_must_match(data_dir, monkeypatch,
                                                                   capsys):
    answers = iter([SECRET, SECRET + "x"])
    monkeypatch.setattr(access_cli.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(sys, "stdin", FakeStdin(tty=True))
    code, _out, err = run(["users", "add", "zhang", "--role", "leader"], capsys)
    assert code == 1 and "两次输入的密码不一致" in err
    assert access_for(data_dir).get_user("zhang") is None
    answers = iter([SECRET, SECRET])
    code, _out, _err = run(["users", "add", "zhang", "--role", "leader"], capsys)
    assert code == 0
    assert access_for(data_dir).authenticate("zhang", SECRET).user.name == "zhang"


def test_bootstrap_prints_the_administrator_password_once(data_dir):
    first = cli("bootstrap", "--print-url", "http://dashboard.heze.local/fanxiang/",
                data=data_dir)
    assert first.returncode == 0, first.stderr
    password = re.search(r"密码 / password:\s+(\S+)", first.stdout).group(1)
    assert "用户名 / user:      admin" in first.stdout
    assert "http://dashboard.heze.local/fanxiang/" in first.stdout
    assert access_for(data_dir).authenticate("admin", password).user.role == "admin"
    second = cli("bootstrap", data=data_dir)
    assert second.returncode == 0
    assert password not in second.stdout + second.stderr
    assert "password" not in second.stdout.lower() and "密码" not in second.stdout
    assert "http://localhost:8501/" in second.stdout  # the URL from the settings


def test_user_commands_do_what_they_say_with_exit_codes(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", FakeStdin(SECRET + "\n" + "new-secret-22\n"))
    assert run(["users", "add", "li", "--role", "领导", "--password-stdin"], capsys)[0] == 0
    assert run(["users", "add", "wang", "--role", "county", "--county", "371722",
                "--county", "郓城县", "--no-password"], capsys)[0] == 0
    code, out, _ = run(["users", "list"], capsys)
    assert code == 0
    assert re.search(r"li\s+领导 leader\s+全部 all\s+启用 enabled", out)
    assert re.search(r"wang\s+县区工作人员 county\s+单县、郓城县\s+启用 enabled", out)
    assert run(["users", "passwd", "li", "--password-stdin"], capsys)[0] == 0
    acc = access_for(data_dir)
    with pytest.raises(LoginFailed):
        acc.authenticate("li", SECRET)
    assert acc.authenticate("li", "new-secret-22").user.name == "li"
    assert run(["users", "disable", "li"], capsys)[0] == 0
    assert "停用 disabled" in run(["users", "list"], capsys)[1]
    assert run(["users", "enable", "li"], capsys)[0] == 0
    assert run(["users", "set", "wang", "--county", "曹县", "--display-name", "王五"],
               capsys)[0] == 0
    assert acc.get_user("wang").county_scope == (371721,)
    entries = list(reversed(acc.audit_entries(Actor("test"), action="user_change")))
    assert [e.details["change"] for e in entries] == [
        "add", "add", "passwd", "disable", "enable", "update"]
    assert {e.user_name for e in entries} == {Actor.cli().name}


@pytest.mark.parametrize(("argv", "code", "says"), [
    (["users", "add", "zhang", "--role", "boss", "--no-password"], 2, "没有角色"),
    (["users", "add", "zhang", "--role", "county", "--county", "北京", "--no-password"], 2,
     "没有县区"),
    (["users", "add", "zhang", "--role", "county", "--no-password"], 2, "--county"),
    (["users", "add", "--role", "leader"], 2, "usage error"),
    (["users", "frobnicate"], 2, "usage error"),
    (["users", "set", "admin"], 2, "--role"),
    (["users", "add", "admin", "--role", "leader", "--no-password"], 1, "已存在"),
    (["users", "passwd", "nobody", "--password-stdin"], 1, "没有用户"),
    (["users", "disable", "admin"], 1, "最后一个系统管理员"),
])
def test_usage_errors_exit_2_and_refusals_exit_1_with_a_bilingual_message(
        data_dir, capsys, monkeypatch, argv, code, says):
    access_for(data_dir).bootstrap_admin()
    monkeypatch.setattr(sys, "stdin", FakeStdin(SECRET + "\n"))
    got, _out, err = run(argv, capsys)
    assert got == code
    assert says in err and " / " in err


def test_a_weak_password_is_refused_and_nothing_is_created(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", FakeStdin("short\n"))
    code, _out, err = run(["users", "add", "zhang", "--role", "leader", "--password-stdin"],
                          capsys)
    assert code == 1 and "至少 8 个字符" in err
    assert access_for(data_dir).get_user("zhang") is None


def test_a_wrong_settings_file_stops_with_exit_2(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[login]\nmax_failures = 0\n", encoding="utf-8")
    monkeypatch.setenv("HEZE_CONFIG", str(bad))
    code, _out, err = run(["users", "list"], capsys)
    assert code == 2 and "login.max_failures" in err
