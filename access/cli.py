"""Manage the dashboard's users from the server's command line.

    python -m access users add NAME --role ROLE [--county 曹县 ...] [--display-name 张三]
                                    [--email a@b.cn] [--password-stdin | --no-password]
    python -m access users passwd NAME [--password-stdin]
    python -m access users set NAME [--role ROLE] [--county ...] [--display-name ...] [--email ...]
    python -m access users disable NAME
    python -m access users enable NAME
    python -m access users list
    python -m access bootstrap [--print-url URL]

A password is asked twice at a terminal prompt, or read from the first line of standard
input with ``--password-stdin``; it is never a command-line argument (those stay in the
shell history and the process list). Exit codes: 0 done, 1 refused, 2 wrong usage.
Run it as the user the service runs as, so the application database stays theirs.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import unicodedata

from access import roles as R
from access.service import Access, AccessError, Actor
from appdb import AppDbError
from core.errors import BilingualError
from core.settings import SettingsError

OK, REFUSED, USAGE = 0, 1, 2


class Usage(BilingualError):
    usage = True


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors, in both languages, exit 2
        self.print_usage(sys.stderr)
        print(f"用法错误 / usage error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m access", allow_abbrev=False,
                description="菏泽市返乡创业数据看板 用户管理 / dashboard user management")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    users = sub.add_parser("users", help="用户 / users", allow_abbrev=False)
    u = users.add_subparsers(dest="action", required=True, parser_class=_Parser)
    roles = ", ".join(f"{c} ({zh})" for c, (zh, _en) in R.ROLE_NAMES.items())

    add = u.add_parser("add", help="新建用户 / add a user", allow_abbrev=False)
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"角色 / role: {roles}")
    add.add_argument("--county", action="append", default=[],
                     help="县区名称或代码，可重复 / county name or adcode, repeatable")
    add.add_argument("--display-name", default="", help="显示名 / name shown in the app")
    add.add_argument("--email", help="统一身份认证的邮箱 / e-mail at the identity provider")
    how = add.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true",
                     help="从标准输入第一行读取密码 / read the password from stdin")
    how.add_argument("--no-password", action="store_true",
                     help="不设密码（仅统一身份认证或代理认证）/ no password (identity "
                          "provider or proxy header only)")

    pw = u.add_parser("passwd", help="设置密码 / set a password", allow_abbrev=False)
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")

    st = u.add_parser("set", help="修改角色、县区、显示名、邮箱 / change role, counties, "
                      "display name, e-mail", allow_abbrev=False)
    st.add_argument("name")
    st.add_argument("--role")
    st.add_argument("--county", action="append")
    st.add_argument("--display-name")
    st.add_argument("--email")

    for verb, zh, en in (("disable", "停用用户并结束其会话", "disable a user and end their "
                          "sessions"), ("enable", "启用用户", "enable a user")):
        one = u.add_parser(verb, help=f"{zh} / {en}", allow_abbrev=False)
        one.add_argument("name")
    u.add_parser("list", help="列出用户 / list users", allow_abbrev=False)

    boot = sub.add_parser("bootstrap", allow_abbrev=False,
                          help="首次启动时创建管理员 / create the first administrator")
    boot.add_argument("--print-url", help="登录地址 / the URL to print")
    return p


def _refuse_password_arguments(argv: list[str]) -> None:
    for arg in argv:
        flag = arg.split("=", 1)[0]
        if (flag.startswith("--pass") and flag != "--password-stdin") or flag in ("-p", "--pw"):
            raise Usage("error.access.password_on_command_line")


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise AccessError("error.access.no_password_on_stdin")
        return password
    if not sys.stdin.isatty():
        raise Usage("error.access.stdin_not_terminal")
    first = getpass.getpass("密码 / password: ")
    second = getpass.getpass("再次输入 / again: ")
    if first != second:
        raise AccessError("error.access.passwords_differ")
    return first


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths,
                                                                                  strict=True))
                     .rstrip() for row in rows)


def _list(acc: Access) -> str:
    rows = [["用户名 name", "显示名 display", "角色 role", "县区 counties", "状态 state",
             "邮箱 e-mail"]]
    now = acc.now()
    for user in acc.list_users():
        if user.disabled:
            state = "停用 disabled"
        elif user.locked_until and user.locked_until > now:
            state = f"锁定至 locked until {user.locked_until.astimezone():%H:%M}"
        else:
            state = "启用 enabled"
        rows.append([user.name, user.display_name, f"{user.role_label('zh')} {user.role}",
                     "、".join(user.county_names()) or "全部 all", state, user.email or ""])
    return _table(rows)


def default_url(settings) -> str:
    host = settings["server.address"]
    host = "localhost" if host in ("0.0.0.0", "::", "", "127.0.0.1") else host
    base = settings.base_path
    return f"http://{host}:{settings['server.port']}/" + (f"{base}/" if base else "")


def run(argv: list[str], acc_factory=Access) -> int:
    _refuse_password_arguments(argv)
    args = _parser().parse_args(argv)
    acc = acc_factory()
    by = Actor.cli()
    if args.command == "bootstrap":
        password = acc.bootstrap_admin()
        url = args.print_url or default_url(acc.settings)
        if password is None:
            print(f"已有系统管理员账号。看板地址 / an administrator exists. Dashboard: {url}")
            return OK
        print("\n".join([
            "",
            "首次启动：已创建系统管理员账号 / first start: an administrator account was created",
            "    用户名 / user:      admin",
            f"    密码 / password:    {password}",
            f"    地址 / URL:         {url}",
            "此密码只显示这一次。登录后请用 `python -m access users passwd admin` 修改，",
            "并为领导、县区工作人员和数据管理员分别建立账号（python -m access users add）。",
            "This password is shown only this once. Change it with `python -m access users "
            "passwd admin`",
            "and add accounts for leaders, county staff and data administrators (users add).",
            "",
        ]), flush=True)
        return OK
    if args.action == "list":
        print(_list(acc))
        return OK
    if args.action == "add":
        # Check everything else before asking for a password that would be refused anyway.
        role = acc.check_role(args.role)
        acc.check_counties(role, args.county)
        acc.check_email(args.email)
        if acc.get_user(acc.check_name(args.name)) is not None:
            raise AccessError("error.access.user_exists", name=args.name)
        password = None if args.no_password else read_password(args.password_stdin)
        user = acc.add_user(args.name, args.role, by=by, password=password,
                            counties=args.county, display_name=args.display_name,
                            email=args.email)
        scope = "、".join(user.county_names()) or "全部县区 every county"
        print(f"已新建用户 {user.name}（{user.role_label('zh')}，{scope}）/ added user "
              f"{user.name} ({user.role_label('en')})")
        return OK
    if args.action == "passwd":
        if acc.get_user(args.name) is None:
            raise AccessError("error.access.no_such_user", name=args.name)
        acc.set_password(args.name, read_password(args.password_stdin), by=by)
        print(f"已为 {args.name} 设置新密码，其已登录的会话已结束 / new password set for "
              f"{args.name}; their open sessions were ended")
        return OK
    if args.action == "set":
        if all(v is None for v in (args.role, args.county, args.display_name, args.email)):
            raise Usage("error.access.nothing_to_change")
        user = acc.update_user(args.name, by=by, role=args.role, counties=args.county,
                               display_name=args.display_name, email=args.email)
        scope = "、".join(user.county_names()) or "全部县区 every county"
        print(f"已更新用户 {user.name}（{user.role_label('zh')}，{scope}）/ updated user "
              f"{user.name}")
        return OK
    if args.action == "disable":
        acc.disable_user(args.name, by=by)
        print(f"已停用 {args.name}，其会话已全部结束 / disabled {args.name}; their sessions "
              "were ended")
        return OK
    if args.action == "enable":
        acc.enable_user(args.name, by=by)
        print(f"已启用 {args.name} / enabled {args.name}")
        return OK
    raise Usage("error.access.unknown_command", action=args.action)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(argv)
    except SystemExit as exc:  # argparse: --help (0) or its own usage error (2)
        return exc.code if isinstance(exc.code, int) else USAGE
    except Usage as exc:
        print(f"用法错误 / usage error: {exc}", file=sys.stderr)
        return USAGE
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return USAGE
    except AccessError as exc:
        print(f"{'用法错误 / usage error' if exc.usage else '未执行 / refused'}: {exc}",
              file=sys.stderr)
        return USAGE if exc.usage else REFUSED
    except AppDbError as exc:
        print(f"应用数据库错误 / application database error: {exc}", file=sys.stderr)
        return REFUSED
    except (KeyboardInterrupt, EOFError):
        print("\n已取消，未做任何更改 / cancelled; nothing was changed", file=sys.stderr)
        return REFUSED

