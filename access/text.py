"""The words of the login screen and the access messages, Chinese first, English second."""

from __future__ import annotations

from access.service import LOGIN_FAILED, NO_PERMISSION

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("菏泽市返乡创业数据看板", "Heze Return-Home Entrepreneurship Dashboard"),
    "please_login": ("请登录", "Please sign in"),
    "user_name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login": ("登录", "Sign in"),
    "logout": ("退出登录", "Sign out"),
    "switch_language": ("English", "中文"),
    "login_failed": LOGIN_FAILED,
    "missing_fields": ("请输入用户名和密码。", "Enter your user name and password."),
    "logged_out": ("您已退出登录。", "You have signed out."),
    "expired_idle": ("由于长时间未操作，您已自动退出，请重新登录。",
                     "You were signed out after a period of inactivity. Please sign in again."),
    "expired_max_age": ("本次登录已到最长有效时间，请重新登录。",
                        "Your sign-in has reached its maximum duration. Please sign in again."),
    "expired_ended": ("您的登录已结束，请重新登录。", "Your session has ended. Please sign in again."),
    "expired_client_changed": ("本次登录的凭据来自另一台电脑或浏览器，为安全起见登录已结束，请重新登录。",
                               "This sign-in was used from another computer or browser, so it "
                               "was ended to be safe. Please sign in again."),
    "no_permission_title": ("无权访问", "No permission"),
    "no_permission": ("您没有权限访问此页面。如需开通，请联系系统管理员。",
                      "You do not have permission to open this page. Ask the system "
                      "administrator if you need it."),
    "no_permission_action": NO_PERMISSION,
    "signed_in_as": ("当前用户", "Signed in as"),
    "scope": ("数据范围", "Data scope"),
    "all_counties": ("全部县区", "every county"),
    "sso_login": ("使用统一身份认证登录", "Sign in with the identity provider"),
    "sso_not_configured": (
        "统一身份认证尚未配置（.streamlit/secrets.toml 中的 [auth] 一节），请联系系统管理员。",
        "The identity provider is not configured ([auth] in .streamlit/secrets.toml); "
        "contact the system administrator."),
    "sso_unknown": ("您已通过统一身份认证，但本看板尚未为您开通账号或账号已停用。请联系系统管理员。",
                    "You are signed in at the identity provider, but you have no account on "
                    "this dashboard or it is disabled. Contact the system administrator."),
    "header_unknown": ("未能通过单位统一认证识别您的身份，或本看板尚未为您开通账号。请联系系统管理员。",
                       "Your identity could not be established by the organisation's sign-in, "
                       "or you have no account on this dashboard. Contact the system "
                       "administrator."),
}


def t(key: str, lang: str = "zh") -> str:
    zh, en = STRINGS[key]
    return zh if lang == "zh" else en
