#!/usr/bin/env bash
# 菏泽市返乡创业数据看板 离线安装与升级 / offline installer and upgrader of the Heze dashboard.
#
#   sudo ./install.sh [--prefix DIR] [--data DIR] [--port N] [--user NAME]
#                     [--config FILE] [--python PATH] [--restore BACKUP] [--no-service]
#
# Runs from the unpacked bundle on a machine with no network: checks what the machine must
# have, creates the Python environment from the bundled wheels only, writes the settings
# file, creates the service user, the data directory (owner-only), the demo snapshot and the
# first administrator (whose password is printed once), installs and starts the systemd
# unit. Running it again — or running a newer bundle's install.sh — upgrades: the data
# directory is kept, a backup is taken first, the application database is migrated before
# the new version is switched on, and a failed migration leaves the old version running on
# the untouched database. See docs/管理员手册.md.
set -Eeuo pipefail
umask 022

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX=/opt/heze-dashboard
DATA=""
PORT=""
SVC_USER=""
CONFIG=""
PYTHON=""
RESTORE=""
SERVICE=1
UNIT=heze-dashboard
UNIT_DIR=/etc/systemd/system
LINK_DIR=/usr/local/bin
HEALTH_WAIT=120

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s  [%ss]\n' "$*" "$SECONDS"; }
warn() { printf '警告 / warning: %s\n' "$*" >&2; }
die() {
    printf '\n错误 / error: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '    %s\n' "$line" >&2; done
    exit 1
}

usage() {
    cat <<'USAGE'
用法 / usage: sudo ./install.sh [选项 options]

  --prefix DIR     程序安装目录 / where the program goes            (默认 default /opt/heze-dashboard)
  --data DIR       数据目录：快照、应用数据库、备份 / data directory (默认 default /var/lib/heze-dashboard)
  --port N         端口 / port                                        (默认 default 8501)
  --user NAME      运行服务的用户 / the user the service runs as   (默认 default heze;
                   --no-service 时为当前用户 / with --no-service: the current user)
  --config FILE    设置文件 / settings file    (默认 default /etc/heze-dashboard/heze.toml;
                   --no-service 时 / with --no-service: PREFIX/etc/heze.toml)
  --python PATH    Python 3.11 解释器 / interpreter                (默认 default python3.11)
  --restore FILE   安装后从备份恢复数据（新机器）/ restore a backup into the new data directory
  --no-service     不安装 systemd 服务，在后台运行并写 pid 文件 / no systemd unit: run in the
                   background with a pid file (heze-dashboard start|stop)
  -h, --help       显示本帮助 / this help

再次运行（或运行新版本的 install.sh）即升级，数据目录保留。
Running it again (or a newer bundle's install.sh) upgrades; the data directory is kept.
USAGE
}

# -- arguments ---------------------------------------------------------------------------
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "选项 $1 需要一个值 / option $1 needs a value"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
        --data) need_value "$@"; DATA="$2"; shift 2 ;;
        --port) need_value "$@"; PORT="$2"; shift 2 ;;
        --user) need_value "$@"; SVC_USER="$2"; shift 2 ;;
        --config) need_value "$@"; CONFIG="$2"; shift 2 ;;
        --python) need_value "$@"; PYTHON="$2"; shift 2 ;;
        --restore) need_value "$@"; RESTORE="$2"; shift 2 ;;
        --no-service) SERVICE=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "无法识别的选项 / unknown option: $1" ;;
    esac
done

absolute() { case "$1" in /*) return 0 ;; *) return 1 ;; esac; }
absolute "$PREFIX" || die "--prefix 必须是绝对路径 / --prefix must be an absolute path: $PREFIX"
[ -z "$DATA" ] || absolute "$DATA" || die "--data 必须是绝对路径 / --data must be an absolute path: $DATA"
[ -z "$CONFIG" ] || absolute "$CONFIG" || die "--config 必须是绝对路径 / --config must be an absolute path: $CONFIG"
if [ -n "$PORT" ]; then
    case "$PORT" in ''|*[!0-9]*) die "端口应为 1–65535 的整数 / the port must be a whole number 1–65535: $PORT" ;; esac
    [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "端口应为 1–65535 / the port must be 1–65535: $PORT"
fi
if [ -n "$RESTORE" ]; then
    [ -f "$RESTORE" ] || die "找不到备份文件 / backup file not found: $RESTORE"
    RESTORE="$(cd "$(dirname "$RESTORE")" && pwd)/$(basename "$RESTORE")"
fi
PREFIX="${PREFIX%/}"

[ -f "$HERE/VERSION" ] && [ -f "$HERE/requirements.lock" ] && [ -d "$HERE/wheels" ] \
    || die "请在解压后的安装包目录中运行 install.sh / run install.sh from the unpacked bundle" \
           "（应包含 VERSION、requirements.lock、wheels/ / it holds VERSION, requirements.lock, wheels/）"
bundle_value() { sed -n "s/^$1=//p" "$HERE/VERSION" | head -n 1; }
VERSION="$(bundle_value version)"
BUNDLE_ID="$(bundle_value bundle_id)"
RELEASE_NAME="$VERSION-$BUNDLE_ID"
REL="$PREFIX/releases/$RELEASE_NAME"

say "菏泽市返乡创业数据看板 $VERSION 安装 / Heze dashboard $VERSION installer ($BUNDLE_ID)"

# -- what the machine must have ----------------------------------------------------------
step "检查本机环境 / checking this machine"
problems=()
if ! (cd "$HERE" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1); then
    problems+=("安装包文件不完整或已损坏（SHA256SUMS 校验失败），请重新拷贝安装包 /
      the bundle is incomplete or damaged (SHA256SUMS does not match): copy it again")
fi
if [ "$(uname -m)" != x86_64 ]; then
    problems+=("需要 x86_64 架构（本机 $(uname -m)）/ needs an x86_64 machine (this is $(uname -m))")
fi
if [ -z "$PYTHON" ]; then
    PYTHON="$(command -v python3.11 || true)"
    [ -n "$PYTHON" ] || { [ -x /usr/bin/python3.11 ] && PYTHON=/usr/bin/python3.11; } || true
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    problems+=("需要 Python 3.11（Debian：apt install python3.11；或用 --python 指定）/
      needs Python 3.11 (Debian: apt install python3.11; or name it with --python)")
elif ! "$PYTHON" -c 'import venv, sqlite3, ssl' 2>/dev/null; then
    problems+=("Python 3.11 缺少 venv 或 sqlite3 模块（Debian：apt install python3.11-venv）/
      Python 3.11 lacks the venv or sqlite3 module (Debian: apt install python3.11-venv)")
else
    glibc="$("$PYTHON" -c 'import platform; print(platform.libc_ver()[1] or "0")')"
    need_glibc="$(bundle_value platform | sed -n 's/.*glibc \([0-9.]*\)+.*/\1/p')"
    if [ -n "$need_glibc" ] && ! "$PYTHON" -c "import sys; a, b = ('$glibc', '$need_glibc'); \
sys.exit(tuple(map(int, a.split('.'))) < tuple(map(int, b.split('.'))))"; then
        problems+=("需要 glibc $need_glibc 或更新（本机 $glibc）/ needs glibc $need_glibc or newer (this machine has $glibc)")
    fi
fi
cjk_font() {
    local dir
    for dir in /usr/share/fonts /usr/local/share/fonts; do
        # the families the briefing accepts (briefing/fonts.py): Noto Sans CJK first
        [ -d "$dir" ] && find "$dir" \( -iname 'NotoSansCJK*' -o -iname 'SourceHanSans*' \
            -o -iname 'wqy-microhei*' -o -iname 'wqy-zenhei*' \) -print -quit 2>/dev/null \
            | grep -q . && return 0
    done
    return 1
}
if ! cjk_font; then
    if [ -d "$HERE/briefing" ]; then
        problems+=("缺少中文字体：请安装 Debian 软件包 fonts-noto-cjk（领导简报的 PDF 和图表需要）/
      no Chinese font: install the Debian package fonts-noto-cjk (the briefing's PDF and charts need it)")
    else
        warn "未找到中文字体 fonts-noto-cjk；浏览器端显示不受影响，服务器端生成的图片和文档需要它 /
      fonts-noto-cjk not found; browsers are not affected, documents made on the server need it"
    fi
fi
ME="$(id -un)"
if [ "$SERVICE" = 1 ]; then
    [ "$(id -u)" = 0 ] || problems+=("安装系统服务需要 root 权限（sudo ./install.sh），或加 --no-service /
      installing the service needs root (sudo ./install.sh), or add --no-service")
    if ! command -v systemctl >/dev/null 2>&1 || [ ! -d /run/systemd/system ]; then
        problems+=("本机没有运行 systemd：请加 --no-service（后台进程 + pid 文件）/
      systemd is not running here: add --no-service (a background process with a pid file)")
    fi
    SVC_USER="${SVC_USER:-heze}"
else
    SVC_USER="${SVC_USER:-$ME}"
fi
if [ "$SVC_USER" != "$ME" ]; then
    [ "$(id -u)" = 0 ] || problems+=("以用户 $SVC_USER 运行需要 root 权限 / running as $SVC_USER needs root")
    command -v runuser >/dev/null 2>&1 || problems+=("缺少 runuser（util-linux）/ runuser (util-linux) is missing")
fi
if [ ${#problems[@]} -gt 0 ]; then
    printf '\n本机还不能安装，原因如下 / this machine is not ready:\n' >&2
    for p in "${problems[@]}"; do printf '  - %s\n' "$p" >&2; done
    exit 1
fi
say "Python: $PYTHON ($("$PYTHON" -c 'import platform; print(platform.python_version())'))"

# -- settings file and data directory ----------------------------------------------------
if [ -z "$CONFIG" ]; then
    if [ "$SERVICE" = 1 ]; then CONFIG=/etc/heze-dashboard/heze.toml; else CONFIG="$PREFIX/etc/heze.toml"; fi
fi
clean_env=(env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1)
# python of the release being installed, as root (before the data directory exists)
rel_py() { "${clean_env[@]}" HEZE_CONFIG="$CONFIG" PYTHONPATH="$REL" "$REL/venv/bin/python" -P "$@"; }
# python of a release, as the service user, in the data directory
as_user() {
    local release="$1"; shift
    local cmd=("${clean_env[@]}" HOME="$DATA" HEZE_CONFIG="$CONFIG" PYTHONPATH="$release"
               XDG_CACHE_HOME="$DATA/cache" MPLCONFIGDIR="$DATA/cache/matplotlib"
               "$release/venv/bin/python" -P "$@")
    if [ "$SVC_USER" != "$ME" ]; then
        (umask 077; cd "$DATA" && runuser -u "$SVC_USER" -- "${cmd[@]}")
    else
        (umask 077; cd "$DATA" && "${cmd[@]}")
    fi
}

# -- the program: a release folder of its own, its environment from the bundled wheels ---
step "安装程序 $RELEASE_NAME 到 / installing the program into $REL"
# The Python environment is shared by every release with the same requirements.lock, so an
# upgrade that changes no dependency takes seconds; it is built where it stays (a venv does
# not move) and marked complete only at the end.
LOCK_ID="$(sha256sum "$HERE/requirements.lock" | cut -c1-16)"
VENV="$PREFIX/venvs/$LOCK_ID"
if [ -f "$VENV/.complete" ] && [ -x "$VENV/bin/python" ]; then
    say "Python 环境已存在，沿用 / the Python environment exists already; kept ($VENV)"
else
    rm -rf "$VENV"
    mkdir -p "$PREFIX/venvs"
    "$PYTHON" -m venv --without-pip "$VENV" \
        || die "无法创建 Python 环境 / cannot create the Python environment" \
               "（Debian：apt install python3.11-venv）"
    pip_wheel="$(ls "$HERE"/wheels/pip-*.whl | head -n 1)"
    say "从安装包内的 wheel 安装依赖（不联网）/ installing the bundled wheels (no network) …"
    if ! "${clean_env[@]}" PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" "$pip_wheel/pip" \
            install --isolated --no-index --find-links "$HERE/wheels" --require-hashes \
            --only-binary=:all: --no-cache-dir --disable-pip-version-check \
            --no-warn-script-location --quiet -r "$HERE/requirements.lock"; then
        rm -rf "$VENV"
        die "依赖安装失败（见上方 pip 的输出）/ installing the wheels failed (pip's output above)"
    fi
    chmod -R go-w "$VENV"
    touch "$VENV/.complete"
fi
if [ -d "$REL" ] && [ "$(cat "$REL/BUNDLE_ID" 2>/dev/null)" = "$BUNDLE_ID" ] \
        && [ "$(readlink -f "$REL/venv")" = "$(readlink -f "$VENV")" ]; then
    say "此版本已安装，沿用 / this release is installed already; kept"
else
    NEW="$PREFIX/releases/.$RELEASE_NAME.new-$$"
    trap 'rm -rf "$NEW"' EXIT
    mkdir -p "$NEW"
    tar -C "$HERE" --exclude=./wheels --exclude=./SHA256SUMS -cf - . | tar -C "$NEW" -xf -
    ln -s "../../venvs/$LOCK_ID" "$NEW/venv"
    "$VENV/bin/python" -m compileall -q -x '/venv' "$NEW" >/dev/null || true
    printf '%s\n' "$BUNDLE_ID" > "$NEW/BUNDLE_ID"
    chmod -R go-w "$NEW"
    rm -rf "$REL"
    mv "$NEW" "$REL"
    trap - EXIT
    say "已安装 / installed"
fi

step "设置文件 / settings file: $CONFIG"
if [ -f "$CONFIG" ]; then
    rel_py -m core.settings "$CONFIG" >/dev/null \
        || die "现有设置文件有误，请按上面的提示修改后重新运行 / the settings file is wrong: fix it as said above and run again" "$CONFIG"
    file_data="$(rel_py -m core.settings "$CONFIG" --get data.dir)"
    file_port="$(rel_py -m core.settings "$CONFIG" --get server.port)"
    if [ -n "$DATA" ] && [ "$DATA" != "$file_data" ]; then
        die "--data $DATA 与设置文件中的 data.dir = $file_data 不同；请修改设置文件，或去掉 --data /
    --data differs from data.dir in the settings file: edit the file, or leave --data out" "$CONFIG"
    fi
    if [ -n "$PORT" ] && [ "$PORT" != "$file_port" ]; then
        die "--port $PORT 与设置文件中的 server.port = $file_port 不同；请修改设置文件，或去掉 --port /
    --port differs from server.port in the settings file: edit the file, or leave --port out" "$CONFIG"
    fi
    DATA="$file_data"
    PORT="$file_port"
    say "沿用现有设置文件 / keeping the settings file (data.dir = $DATA, server.port = $PORT)"
    NEW_CONFIG=0
else
    DATA="${DATA:-/var/lib/heze-dashboard}"
    PORT="${PORT:-8501}"
    NEW_CONFIG=1
fi
DATA="${DATA%/}"
case "$DATA/" in
    "$PREFIX"/*) die "数据目录不能在程序目录内（升级会替换程序目录）/ the data directory must be outside the program folder" "$DATA" ;;
esac

# the service user
if [ "$SVC_USER" != "$ME" ] && ! id -u "$SVC_USER" >/dev/null 2>&1; then
    step "创建服务用户 / creating the service user $SVC_USER"
    useradd --system --user-group --home-dir "$DATA" --no-create-home \
        --shell /usr/sbin/nologin --comment "Heze dashboard" "$SVC_USER"
fi
SVC_GROUP="$(id -gn "$SVC_USER")"

if [ "$NEW_CONFIG" = 1 ]; then
    conf_dir="$(dirname "$CONFIG")"
    mkdir -p "$conf_dir"
    tmp_conf="$(mktemp "$conf_dir/.heze.toml.XXXXXX")"
    # The dashboard answers the intranet directly (password logins); behind a reverse proxy
    # set server.address = "127.0.0.1" (the default when the file does not say).
    rel_py -m core.settings --template --set "data.dir=$DATA" --set "server.port=$PORT" \
        --set "server.address=0.0.0.0" > "$tmp_conf"
    if [ "$(id -u)" = 0 ] && [ "$SVC_USER" != root ]; then
        # root owns it, the service reads it: only root may change the settings
        chown "root:$SVC_GROUP" "$conf_dir" "$tmp_conf"
        chmod 0750 "$conf_dir"
        chmod 0640 "$tmp_conf"
    else
        chmod 0700 "$conf_dir"
        chmod 0600 "$tmp_conf"
    fi
    mv "$tmp_conf" "$CONFIG"
    rel_py -m core.settings "$CONFIG" >/dev/null
    say "已写入 / written (data.dir = $DATA, server.port = $PORT, server.address = 0.0.0.0)"
fi

step "数据目录 / data directory: $DATA"
if [ ! -d "$DATA" ]; then
    mkdir -p "$DATA"
fi
chown "$SVC_USER:$SVC_GROUP" "$DATA"
chmod 0700 "$DATA"
foreign="$(find "$DATA" -mindepth 1 ! -user "$SVC_USER" -print -quit 2>/dev/null || true)"
[ -z "$foreign" ] || die "数据目录中有不属于 $SVC_USER 的文件 / the data directory holds files not owned by $SVC_USER: $foreign" \
    "请确认后执行 / check, then: chown -R $SVC_USER:$SVC_GROUP $DATA"

# -- stop what runs, restore, back up, migrate ------------------------------------------
OLD_REL=""
if [ -L "$PREFIX/current" ]; then
    OLD_REL="$(readlink -f "$PREFIX/current")"
    [ -x "$OLD_REL/venv/bin/python" ] || OLD_REL=""
fi
WAS_RUNNING=0
if [ "$SERVICE" = 1 ] && systemctl is-active --quiet "$UNIT" 2>/dev/null; then
    step "停止正在运行的服务 / stopping the running service"
    systemctl stop "$UNIT"
    WAS_RUNNING=1
elif [ -n "$OLD_REL" ] && [ -f "$DATA/dashboard.pid" ]; then
    step "停止正在运行的看板 / stopping the running dashboard"
    as_user "$OLD_REL" -m ops stop
    WAS_RUNNING=1
fi
restart_old() {
    [ "$WAS_RUNNING" = 1 ] && [ -n "$OLD_REL" ] || return 0
    if [ "$SERVICE" = 1 ]; then systemctl start "$UNIT" || true; else as_user "$OLD_REL" -m ops start || true; fi
}

if [ -n "$RESTORE" ]; then
    step "从备份恢复 / restoring $RESTORE"
    incoming="$DATA/.incoming-backup.tar.gz"
    install -m 0600 -o "$SVC_USER" -g "$SVC_GROUP" "$RESTORE" "$incoming"
    if ! as_user "$REL" -m ops restore "$incoming" --data "$DATA"; then
        rm -f "$incoming"
        restart_old
        die "恢复失败，数据目录未改动 / the restore failed; the data directory is unchanged"
    fi
    rm -f "$incoming"
fi

if [ -f "$DATA/app.db" ] && [ -n "$OLD_REL" ] && [ "$OLD_REL" != "$(readlink -f "$REL")" ]; then
    step "升级前备份 / backing up before the upgrade"
    as_user "$REL" -m ops backup --out "$DATA/backups/heze-backup-$(date +%Y%m%d-%H%M%S)-before-$VERSION.tar.gz" \
        || { restart_old; die "升级前备份失败，未做任何改动 / the backup before the upgrade failed; nothing was changed"; }
fi

step "应用数据库 / application database"
if ! as_user "$REL" -m ops migrate; then
    restart_old
    die "升级未完成：应用数据库迁移失败，数据库保持原样${OLD_REL:+，旧版本继续运行} /
    the upgrade stopped: the application database could not be migrated and is unchanged${OLD_REL:+; the old version runs on}" \
        "请将上面的错误信息和 $DATA/backups/ 中最新的备份交给技术支持 / send the message above and the newest backup in $DATA/backups/ to support"
fi

# -- switch to the new release -----------------------------------------------------------
ln -sfn "releases/$RELEASE_NAME" "$PREFIX/.current.new"
mv -Tf "$PREFIX/.current.new" "$PREFIX/current"
mkdir -p "$PREFIX/bin"
sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@CONFIG@|$CONFIG|g" -e "s|@DATA@|$DATA|g" \
    -e "s|@USER@|$SVC_USER|g" "$REL/deploy/heze-dashboard.in" > "$PREFIX/bin/heze-dashboard"
chmod 0755 "$PREFIX/bin/heze-dashboard"
if [ "$(id -u)" = 0 ] && [ "$SERVICE" = 1 ] && [ -d "$LINK_DIR" ]; then
    ln -sfn "$PREFIX/bin/heze-dashboard" "$LINK_DIR/heze-dashboard"
fi

if [ ! -f "$DATA/snapshots/CURRENT" ]; then
    step "生成演示数据快照 / building the demo snapshot"
    as_user "$REL" -m data.generate --store
fi

step "系统管理员账号 / administrator account"
as_user "$REL" -m access bootstrap
say "在本服务器上管理用户 / on this server, users are managed with:"
say "    $PREFIX/bin/heze-dashboard users passwd admin | users add NAME --role ROLE … | users list"

if [ "$SERVICE" = 1 ]; then
    step "安装并启动系统服务 / installing and starting the service $UNIT"
    sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@CONFIG@|$CONFIG|g" -e "s|@DATA@|$DATA|g" \
        -e "s|@USER@|$SVC_USER|g" -e "s|@GROUP@|$SVC_GROUP|g" \
        "$REL/deploy/systemd/heze-dashboard.service.in" > "$UNIT_DIR/$UNIT.service"
    chmod 0644 "$UNIT_DIR/$UNIT.service"
    systemctl daemon-reload
    systemctl enable --quiet "$UNIT"
    systemctl restart "$UNIT"
else
    step "在后台启动看板 / starting the dashboard in the background"
    as_user "$REL" -m ops start
fi

step "检查运行状态 / checking health"
deadline=$((SECONDS + HEALTH_WAIT))
while true; do
    rc=0
    line="$(as_user "$REL" -m ops status --health 2>&1)" || rc=$?
    [ "$rc" -le 1 ] && break   # OK, or a WARNING (said below) about a healthy dashboard
    if [ "$SECONDS" -ge "$deadline" ]; then
        say "$line"
        die "看板启动后没有正常响应 / the dashboard does not answer as it should" \
            "$( [ "$SERVICE" = 1 ] && echo "日志 / log: journalctl -u $UNIT -n 100" || echo "日志 / log: $DATA/logs/dashboard.log")"
    fi
    sleep 2
done
say "$line"

# keep the release now running and the one before it (to go back to); remove older ones
KEEP_REL="$(readlink -f "$REL")"
PREVIOUS="$OLD_REL"
if [ -z "$PREVIOUS" ] || [ "$PREVIOUS" = "$KEEP_REL" ]; then   # a repeated run: the newest other
    PREVIOUS="$(ls -dt "$PREFIX"/releases/*/ 2>/dev/null | sed 's|/$||' | while read -r r; do
        [ "$(readlink -f "$r")" != "$KEEP_REL" ] && readlink -f "$r" && break; done || true)"
fi
for old in "$PREFIX"/releases/*; do
    [ -d "$old" ] || continue
    case "$(readlink -f "$old")" in
        "$KEEP_REL"|"$PREVIOUS") ;;
        *) rm -rf "$old" ;;
    esac
done
for venv in "$PREFIX"/venvs/*; do
    [ -d "$venv" ] || continue
    used=0
    for link in "$PREFIX"/releases/*/venv; do
        [ "$(readlink -f "$link")" = "$(readlink -f "$venv")" ] && used=1
    done
    [ "$used" = 1 ] || rm -rf "$venv"
done

url="$(rel_py -c 'from core.settings import load; from ops.status import url_for; import sys; print(url_for(load(sys.argv[1])))' "$CONFIG")"
cat <<DONE

安装完成 / installed: 菏泽市返乡创业数据看板 $VERSION
  地址 / address:          $url  （其他电脑用本机的 IP 或域名 / from other computers use this machine's name or IP）
  设置文件 / settings:     $CONFIG
  数据目录 / data:         $DATA
  命令 / command:          $PREFIX/bin/heze-dashboard status | backup | users … | stop | start
DONE
if [ "$SERVICE" = 1 ]; then
    say "  服务 / service:          systemctl status $UNIT；日志 / log: journalctl -u $UNIT"
else
    say "  进程 / process:          pid 文件 / pid file $DATA/dashboard.pid，日志 / log $DATA/logs/dashboard.log"
fi
