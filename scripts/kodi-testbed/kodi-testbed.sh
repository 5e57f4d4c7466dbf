#!/usr/bin/env bash
# Real headless Kodi instances for tests and demos (Kodi 20.1 from Debian, Xvfb, ALSA null sink).
# Follows the measured recipe in /work/shared/research/real-kodi.md Part A; each quirk cites its section.
#
#   kodi-testbed.sh install
#   kodi-testbed.sh up NAME --http P --tcp T [--user U --password X] [--mysql DB] [--sigpipe default|ignore]
#   kodi-testbed.sh down NAME [--purge] | down --all [--purge]
#   kodi-testbed.sh status
#   kodi-testbed.sh clip                  (prints the cached 10-minute playable clip, made once per machine)
#   kodi-testbed.sh drop-mysql DB         (drops DB's video database and its shared media root)
#   kodi-testbed.sh selftest
#
# Environment: KODI_TESTBED_DIR (default /tmp/kodi-testbed), KODI_BIN, KODI_TESTBED_START_TIMEOUT (s, default 30),
# KODI_TESTBED_MYSQL_HOST / _PORT (127.0.0.1 / 3306), KODI_TESTBED_MYSQL_ROOT_USER / _PASSWORD (root / empty).
set -euo pipefail
# bash >= 5.2 would turn '&' in ${s//x/&amp;} into the matched text (real-kodi.md §6, generator note).
shopt -u patsub_replacement 2>/dev/null || true

readonly BASE="${KODI_TESTBED_DIR:-/tmp/kodi-testbed}"
readonly KODI_BIN="${KODI_BIN:-/usr/lib/x86_64-linux-gnu/kodi/kodi.bin}"
readonly START_TIMEOUT="${KODI_TESTBED_START_TIMEOUT:-30}"
readonly MYSQL_HOST="${KODI_TESTBED_MYSQL_HOST:-127.0.0.1}"
readonly MYSQL_PORT="${KODI_TESTBED_MYSQL_PORT:-3306}"
readonly MYSQL_ROOT_USER="${KODI_TESTBED_MYSQL_ROOT_USER:-root}"
readonly MYSQL_ROOT_PASSWORD="${KODI_TESTBED_MYSQL_ROOT_PASSWORD:-}"
readonly CLIP_SECONDS=600

die() {
  echo "kodi-testbed: $*" >&2
  exit 1
}

log() {
  echo "kodi-testbed: $*" >&2
}

now_ms() {
  date +%s%3N
}

xml_escape() {
  local s="$1"
  s="${s//&/&amp;}"
  s="${s//</&lt;}"
  s="${s//>/&gt;}"
  s="${s//\"/&quot;}"
  printf '%s' "$s"
}

sql_quote() {
  local s="$1"
  s="${s//\\/\\\\}"
  printf "'%s'" "${s//\'/\'\'}"
}

valid_name() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "invalid name '$1' (letters, digits, '_', '.', '-')"
}

valid_port() {
  if ! [[ "$2" =~ ^[0-9]+$ ]] || (("$2" < 1 || "$2" > 65535)); then
    die "$1 needs a port number, got '$2'"
  fi
}

# ---------------------------------------------------------------------------------------------- install

cmd_install() {
  local missing=()
  [[ -x "$KODI_BIN" ]] || missing+=(kodi)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  command -v curl >/dev/null || missing+=(curl)
  # Only the MariaDB mode needs the client (real-kodi.md Part A, Install).
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  if ((${#missing[@]} == 0)); then
    echo "kodi-testbed: kodi, Xvfb, ffmpeg, sqlite3, curl and mariadb are present"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "missing packages (${missing[*]}); run install as root"
  log "installing ${missing[*]} (about 50 s and 535 MB for kodi, real-kodi.md Part A)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  [[ -x "$KODI_BIN" ]] || die "kodi installed but $KODI_BIN is missing; set KODI_BIN"
}

# ---------------------------------------------------------------------------------------------- processes

# A process counts as alive unless it is gone or a zombie: after kill -9 the unreaped Kodi stays
# in state Z and `kill -0` still succeeds on it (real-kodi.md Part A, pitfall 8).
alive() {
  local pid="$1" stat
  [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*\) }"
  [[ "${stat:0:1}" != "Z" && "${stat:0:1}" != "X" ]]
}

# Waits up to $2 seconds for the process to die.
wait_dead() {
  local pid="$1" deadline=$(($(now_ms) + $2 * 1000))
  while alive "$pid"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.1
  done
}

read_file() {
  if [[ -r "$1" ]]; then cat "$1"; fi
}

# ---------------------------------------------------------------------------------------------- JSON-RPC

# env_get DIR KEY → one value from the instance's instance.env (read in a subshell, no globals touched).
env_get() (
  # shellcheck source=/dev/null
  source "$1/instance.env"
  printf '%s' "${!2}"
)

# rpc DIR METHOD [PARAMS-JSON] → prints Kodi's answer (compact JSON), over HTTP with the credentials.
rpc() (
  local params='{}' http_port="" user="" password="" auth=()
  (($# >= 3)) && params="$3"
  # shellcheck source=/dev/null
  source "$1/instance.env"
  [[ -n "$user" ]] && auth=(-u "$user:$password")
  curl -sS --max-time 10 "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$params}" \
    "http://127.0.0.1:$http_port/jsonrpc"
)

# ---------------------------------------------------------------------------------------------- config files

write_guisettings() {
  local file="$1" http="$2" tcp="$3" user="$4" password="$5" authentication=false
  [[ -n "$user" ]] && authentication=true
  # Partial on purpose: Kodi logs "unable to load settings" but applies these ids, then rewrites the
  # file with every setting on exit, so every `up` writes it again (real-kodi.md Part A, pitfall 2).
  cat >"$file" <<EOF
<settings version="2">
    <setting id="services.webserver">true</setting>
    <setting id="services.webserverport">$http</setting>
    <setting id="services.webserverauthentication">$authentication</setting>
    <setting id="services.webserverusername">$(xml_escape "${user:-kodi}")</setting>
    <setting id="services.webserverpassword">$(xml_escape "$password")</setting>
    <setting id="services.esenabled">true</setting>
    <setting id="services.esallinterfaces">false</setting>
    <setting id="services.esport">$tcp</setting>
    <setting id="services.esportrange">1</setting>
    <setting id="services.zeroconf">false</setting>
    <setting id="services.upnp">false</setting>
    <setting id="services.upnpserver">false</setting>
    <setting id="services.upnprenderer">false</setting>
    <setting id="services.upnpcontroller">false</setting>
    <setting id="services.airplay">false</setting>
    <setting id="services.wsdiscovery">false</setting>
    <setting id="general.addonupdates">2</setting>
    <setting id="general.addonnotifications">false</setting>
    <setting id="videolibrary.updateonstartup">false</setting>
    <setting id="videolibrary.backgroundupdate">true</setting>
</settings>
EOF
}

write_advancedsettings() {
  local file="$1" tcp="$2" mysql="$3" db=""
  if [[ -n "$mysql" ]]; then
    # Kodi appends its schema version to <name> and creates the database itself (real-kodi.md §13).
    db="    <videodatabase><type>mysql</type><host>$MYSQL_HOST</host><port>$MYSQL_PORT</port><user>kodi</user><pass>kodi</pass><name>$mysql</name></videodatabase>"
  fi
  # dirty regions + smart redraw: idle CPU ~80 % → ~30 % of a core (real-kodi.md Part A, pitfall 6).
  cat >"$file" <<EOF
<advancedsettings version="1.0">
    <jsonrpc><tcpport>$tcp</tcpport><compactoutput>true</compactoutput></jsonrpc>
    <gui><algorithmdirtyregions>3</algorithmdirtyregions><smartredraw>true</smartredraw></gui>
$db
</advancedsettings>
EOF
}

# sources.xml only makes the roots visible (Files.GetSources, GUI); the content type lives in the
# video DB `path` table, seeded by seed_paths (real-kodi.md Part A, "How content types are registered").
write_sources() {
  local file="$1" movies="$2" tv="$3"
  cat >"$file" <<EOF
<sources>
    <video>
        <default pathversion="1"></default>
        <source><name>Movies</name><path pathversion="1">$(xml_escape "$movies")</path><allowsharing>true</allowsharing></source>
        <source><name>TV Shows</name><path pathversion="1">$(xml_escape "$tv")</path><allowsharing>true</allowsharing></source>
    </video>
</sources>
EOF
}

# ---------------------------------------------------------------------------------------------- video DB

mysql_root() {
  local args=(-h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_ROOT_USER" --batch --skip-column-names)
  [[ -n "$MYSQL_ROOT_PASSWORD" ]] && args+=(-p"$MYSQL_ROOT_PASSWORD")
  mariadb "${args[@]}" "$@"
}

# The kodi user Kodi logs in with (real-kodi.md Part A, MariaDB mode).
ensure_mysql_user() {
  command -v mariadb >/dev/null || die "--mysql needs the mariadb client (run: $0 install)"
  mysql_root -e "CREATE USER IF NOT EXISTS 'kodi'@'%' IDENTIFIED BY 'kodi';
    CREATE USER IF NOT EXISTS 'kodi'@'localhost' IDENTIFIED BY 'kodi';
    GRANT ALL ON *.* TO 'kodi'@'%'; GRANT ALL ON *.* TO 'kodi'@'localhost'; FLUSH PRIVILEGES;" ||
    die "cannot reach MariaDB at $MYSQL_HOST:$MYSQL_PORT as $MYSQL_ROOT_USER"
}

# Prints the newest video DB Kodi created: "sqlite FILE" or "mysql SCHEMA" (e.g. MyVideos121.db,
# DB121), or nothing while it does not exist yet with its `path` table.
find_video_db() {
  local dir="$1" mysql="$2" file schema
  if [[ -n "$mysql" ]]; then
    schema="$(mysql_root -e "SELECT table_schema FROM information_schema.tables
      WHERE table_name = 'path' AND table_schema REGEXP '^${mysql}[0-9]+\$'
      ORDER BY LENGTH(table_schema) DESC, table_schema DESC LIMIT 1" 2>/dev/null || true)"
    [[ -n "$schema" ]] && echo "mysql $schema"
    return 0
  fi
  file="$(find "$dir/home/.kodi/userdata/Database" -maxdepth 1 -name 'MyVideos[0-9]*.db' 2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$file" ]] && sqlite3 -cmd '.timeout 5000' "$file" "SELECT 1 FROM sqlite_master WHERE name = 'path'" 2>/dev/null | grep -q 1; then
    echo "sqlite $file"
  fi
}

video_sql() {
  local kind="$1" where="$2" sql="$3"
  if [[ "$kind" == mysql ]]; then
    mysql_root -D "$where" -e "$sql"
  else
    sqlite3 -cmd '.timeout 5000' "$where" "$sql"
  fi
}

# Registers a root's content type the way the GUI's "Set content" does: one `path` row, scraper
# metadata.local (reads our NFOs), path with its trailing '/' (real-kodi.md Part A and §5). No restart needed.
seed_path() {
  local kind="$1" where="$2" path="$3" content="$4" recursive="$5" q count
  q="$(sql_quote "$path")"
  count="$(video_sql "$kind" "$where" "SELECT COUNT(*) FROM path WHERE strPath = $q")"
  if [[ "$count" == 0 ]]; then
    video_sql "$kind" "$where" "INSERT INTO path (strPath, strContent, strScraper, scanRecursive, useFolderNames,
      strSettings, noUpdate, exclude) VALUES ($q, '$content', 'metadata.local', $recursive, 0, '', 0, 0)"
  else
    video_sql "$kind" "$where" "UPDATE path SET strContent = '$content', strScraper = 'metadata.local',
      scanRecursive = $recursive, useFolderNames = 0, strSettings = '', noUpdate = 0, exclude = 0 WHERE strPath = $q"
  fi
}

seed_paths() {
  local dir="$1" mysql="$2" movies="$3" tv="$4" db="" deadline=$(($(now_ms) + START_TIMEOUT * 1000))
  while [[ -z "$db" ]]; do
    db="$(find_video_db "$dir" "$mysql")"
    [[ -n "$db" ]] && break
    (($(now_ms) < deadline)) || fail_start "$dir" "Kodi answered but created no video database${mysql:+ $mysql<version> in MariaDB}"
    sleep 0.2
  done
  seed_path "${db%% *}" "${db#* }" "$movies" movies 2147483647
  seed_path "${db%% *}" "${db#* }" "$tv" tvshows 0
  echo "video_db=${db#* }"
}

# ---------------------------------------------------------------------------------------------- up

fail_start() {
  local dir="$1" why="$2"
  {
    echo "kodi-testbed: $why"
    echo "--- last lines of $dir/home/.kodi/temp/kodi.log:"
    tail -n 25 "$dir/home/.kodi/temp/kodi.log" 2>/dev/null || echo "(no kodi.log)"
    echo "--- kodi stdout/stderr:"
    tail -n 10 "$dir/kodi.out" 2>/dev/null || true
  } >&2
  stop_instance "$dir" >/dev/null 2>&1 || true
  exit 1
}

start_xvfb() {
  local dir="$1" deadline=$(($(now_ms) + 10000))
  rm -f "$dir/display"
  # -displayfd: Xvfb picks a free display itself and writes its number to fd 9 (real-kodi.md Part A, Launch).
  setsid Xvfb -displayfd 9 -screen 0 1280x720x24 -nolisten tcp -noreset \
    9>"$dir/display" </dev/null >"$dir/xvfb.log" 2>&1 &
  echo $! >"$dir/xvfb.pid"
  until [[ -s "$dir/display" ]] && grep -q '[0-9]' "$dir/display"; do
    alive "$(read_file "$dir/xvfb.pid")" || fail_start "$dir" "Xvfb exited: $(tail -n 3 "$dir/xvfb.log")"
    (($(now_ms) < deadline)) || fail_start "$dir" "Xvfb gave no display number within 10 s"
    sleep 0.05
  done
}

start_kodi() {
  local dir="$1" sigpipe="$2" display
  display="$(tr -dc '0-9' <"$dir/display")"
  # KODI_AE_SINK=ALSA + the null PCM in ~/.asoundrc: without them Kodi spends 6 s retrying a missing sound
  # device (real-kodi.md Part A, pitfall 1). SIGPIPE ignored: with the default action Kodi 20.1 dies when a
  # JSON-RPC client drops its socket abruptly (pitfall 7, §12); `env` sets it explicitly because bash cannot
  # un-ignore a signal it inherited as ignored. setsid: own session, so the caller's signals do not reach it.
  HOME="$dir/home" DISPLAY=":$display" KODI_AE_SINK=ALSA \
    env "--$sigpipe-signal=PIPE" setsid "$KODI_BIN" --standalone --windowing=x11 \
    </dev/null >"$dir/kodi.out" 2>&1 &
  echo $! >"$dir/kodi.pid"
}

# Polls JSONRPC.Version over HTTP (with the credentials) every 0.2 s (real-kodi.md §1).
wait_first_answer() {
  local dir="$1" deadline=$(($(now_ms) + START_TIMEOUT * 1000)) answer
  while true; do
    answer="$(rpc "$dir" JSONRPC.Version 2>/dev/null || true)"
    [[ "$answer" == *'"version"'* ]] && return 0
    alive "$(read_file "$dir/kodi.pid")" || fail_start "$dir" "kodi.bin exited before answering JSON-RPC"
    (($(now_ms) < deadline)) ||
      fail_start "$dir" "no JSON-RPC answer on http://127.0.0.1:$(env_get "$dir" http_port)/jsonrpc within ${START_TIMEOUT} s"
    sleep 0.2
  done
}

# yes/no from the process's SigIgn mask (SIGPIPE = signal 13 = bit 0x1000). In MariaDB mode it reads
# "yes" even with --sigpipe default: Kodi's MariaDB client library ignores SIGPIPE itself (seen on this bed).
sigpipe_ignored() {
  local mask
  mask="$(awk '/^SigIgn:/ { print $2 }' "/proc/$1/status" 2>/dev/null)"
  [[ -n "$mask" ]] || {
    echo unknown
    return 0
  }
  if (((16#$mask & 0x1000) != 0)); then echo yes; else echo no; fi
}

cmd_up() {
  local name="${1:-}" http="" tcp="" user="" password="" mysql="" sigpipe=ignore
  [[ -n "$name" && "$name" != --* ]] || die "usage: up NAME --http P --tcp T [--user U --password X] [--mysql DB] [--sigpipe default|ignore]"
  shift
  while (($#)); do
    (($# >= 2)) || die "$1 needs a value"
    case "$1" in
    --http) http="$2" ;;
    --tcp) tcp="$2" ;;
    --user) user="$2" ;;
    --password) password="$2" ;;
    --mysql) mysql="$2" ;;
    --sigpipe) sigpipe="$2" ;;
    *) die "unknown option $1" ;;
    esac
    shift 2
  done
  valid_name "$name"
  valid_port --http "$http"
  valid_port --tcp "$tcp"
  [[ "$sigpipe" == default || "$sigpipe" == ignore ]] || die "--sigpipe takes default or ignore"
  # Authentication with an empty password: Kodi silently never opens the HTTP port (real-kodi.md Part A, pitfall 3).
  [[ -z "$user" || -n "$password" ]] || die "--user needs --password (Kodi does not open its web server with an empty password)"
  [[ -z "$password" || -n "$user" ]] || die "--password needs --user"
  [[ -z "$mysql" ]] || [[ "$mysql" =~ ^[A-Za-z][A-Za-z0-9_]*$ ]] || die "--mysql takes a database name ([A-Za-z][A-Za-z0-9_]*)"
  [[ -x "$KODI_BIN" ]] || die "$KODI_BIN not found (run: $0 install)"

  local dir="$BASE/$name" media movies tv started
  if alive "$(read_file "$dir/kodi.pid")"; then
    die "instance $name is already running (pid $(read_file "$dir/kodi.pid")); run: $0 down $name"
  fi
  # With a shared DB the stored paths must be the same for every instance, so all instances on
  # one DB share one media root (real-kodi.md Part A, MariaDB mode).
  if [[ -n "$mysql" ]]; then
    media="$BASE/mysql-$mysql/media"
    ensure_mysql_user
  else
    media="$dir"
  fi
  movies="$media/movies/"
  tv="$media/tv/"
  mkdir -p "$dir/home/.kodi/userdata" "$movies" "$tv"

  cat >"$dir/instance.env" <<EOF
name=$name
http_port=$http
tcp_port=$tcp
user=$(printf '%q' "$user")
password=$(printf '%q' "$password")
mysql=$mysql
sigpipe=$sigpipe
movies_root=$(printf '%q' "$movies")
tv_root=$(printf '%q' "$tv")
EOF
  write_guisettings "$dir/home/.kodi/userdata/guisettings.xml" "$http" "$tcp" "$user" "$password"
  write_advancedsettings "$dir/home/.kodi/userdata/advancedsettings.xml" "$tcp" "$mysql"
  write_sources "$dir/home/.kodi/userdata/sources.xml" "$movies" "$tv"
  echo 'pcm.!default { type null }' >"$dir/home/.asoundrc"

  start_xvfb "$dir"
  started="$(now_ms)"
  start_kodi "$dir" "$sigpipe"
  wait_first_answer "$dir"
  local first_answer_ms=$(($(now_ms) - started))
  local db_line
  db_line="$(seed_paths "$dir" "$mysql" "$movies" "$tv")"

  echo "name=$name"
  echo "dir=$dir"
  echo "http_port=$http"
  echo "tcp_port=$tcp"
  echo "user=$user"
  echo "movies_root=$movies"
  echo "tv_root=$tv"
  echo "pid=$(read_file "$dir/kodi.pid")"
  echo "xvfb_pid=$(read_file "$dir/xvfb.pid")"
  echo "display=:$(tr -dc '0-9' <"$dir/display")"
  echo "sigpipe=$sigpipe"
  echo "sigpipe_ignored=$(sigpipe_ignored "$(read_file "$dir/kodi.pid")")"
  echo "mysql=$mysql"
  echo "$db_line"
  echo "log=$dir/home/.kodi/temp/kodi.log"
  echo "first_answer_ms=$first_answer_ms"
  echo "ready_ms=$(($(now_ms) - started))"
}

# ---------------------------------------------------------------------------------------------- down

# SIGTERM → Kodi quits within ~5 s ("Quitting due to POSIX signal"); SIGKILL after 15 s; then its
# own Xvfb by PID (real-kodi.md Part A, Launch).
stop_instance() {
  local dir="$1" pid xpid
  pid="$(read_file "$dir/kodi.pid")"
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_dead "$pid" 15; then
      log "$(basename "$dir"): kodi $pid ignored SIGTERM for 15 s, sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      wait_dead "$pid" 5 || log "$(basename "$dir"): kodi $pid still alive after SIGKILL"
    fi
  fi
  xpid="$(read_file "$dir/xvfb.pid")"
  if alive "$xpid"; then
    kill -TERM "$xpid" 2>/dev/null || true
    wait_dead "$xpid" 5 || kill -KILL "$xpid" 2>/dev/null || true
  fi
  rm -f "$dir/kodi.pid" "$dir/xvfb.pid"
}

cmd_down() {
  local target="${1:-}" purge=false dirs=() dir
  [[ -n "$target" ]] || die "usage: down NAME [--purge] | down --all [--purge]"
  shift
  [[ "${1:-}" == --purge ]] && purge=true
  if [[ "$target" == --all ]]; then
    for dir in "$BASE"/*/; do
      [[ -f "$dir/instance.env" ]] && dirs+=("${dir%/}")
    done
  else
    valid_name "$target"
    [[ -d "$BASE/$target" ]] || {
      log "no instance $target"
      return 0
    }
    dirs=("$BASE/$target")
  fi
  for dir in "${dirs[@]}"; do
    stop_instance "$dir"
    if $purge; then rm -rf "$dir"; fi
    echo "down=$(basename "$dir")"
  done
}

# ---------------------------------------------------------------------------------------------- status

cmd_status() {
  local dir state
  for dir in "$BASE"/*/; do
    [[ -f "$dir/instance.env" ]] || continue
    (
      name="" http_port="" tcp_port="" mysql="" sigpipe="" movies_root="" tv_root=""
      # shellcheck source=/dev/null
      source "$dir/instance.env"
      state=down
      alive "$(read_file "$dir/kodi.pid")" && state=up
      echo "$name state=$state pid=$(read_file "$dir/kodi.pid") http_port=$http_port tcp_port=$tcp_port" \
        "mysql=${mysql:-} sigpipe=$sigpipe movies_root=$movies_root tv_root=$tv_root"
    )
  done
}

# ---------------------------------------------------------------------------------------------- media

# One playable clip per machine: black 64x64, 5 fps, H.264, 10 minutes (~53 KB), long enough to keep
# playing during a test (real-kodi.md Part A Media, §10). Built under a lock so parallel callers share it.
cmd_clip() {
  local clip="$BASE/clip-${CLIP_SECONDS}s.mkv"
  mkdir -p "$BASE"
  if [[ ! -s "$clip" ]]; then
    (
      flock 9
      if [[ ! -s "$clip" ]]; then
        ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi \
          -i "color=c=black:s=64x64:r=5:d=$CLIP_SECONDS" -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
          "$clip.tmp.mkv"
        mv "$clip.tmp.mkv" "$clip"
      fi
    ) 9>"$BASE/.clip.lock"
  fi
  echo "$clip"
}

cmd_drop_mysql() {
  local db="${1:-}" schema
  [[ "$db" =~ ^[A-Za-z][A-Za-z0-9_]*$ ]] || die "usage: drop-mysql DB"
  while read -r schema; do
    [[ -n "$schema" ]] && mysql_root -e "DROP DATABASE \`$schema\`" && echo "dropped=$schema"
  done < <(mysql_root -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name REGEXP '^${db}[0-9]+\$'")
  rm -rf "${BASE:?}/mysql-$db"
}

# ---------------------------------------------------------------------------------------------- selftest

free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! ss -Hlun "sport = :$port" | grep -q .; then
      echo "$port"
      return 0
    fi
  done
}

# wait_for DIR METHOD PARAMS NEEDLE: polls until the answer contains NEEDLE (20 s).
wait_for() {
  local deadline=$(($(now_ms) + 20000))
  until rpc "$1" "$2" "$3" | grep -qF "$4"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.2
  done
}

wait_scan_idle() {
  wait_for "$1" XBMC.GetInfoBooleans '{"booleans":["Library.IsScanningVideo"]}' '"Library.IsScanningVideo":false'
}

# The safe per-item scan: never while a scan runs (§3), list the parent first so Kodi's stale directory
# cache sees the new folder (§4), then Scan the folder; verification is by a library lookup.
safe_scan() {
  local dir="$1" parent="$2" folder="$3"
  wait_scan_idle "$dir"
  rpc "$dir" Files.GetDirectory "{\"directory\":\"$parent\"}" >/dev/null
  rpc "$dir" VideoLibrary.Scan "{\"directory\":\"$folder\",\"showdialogs\":false}" >/dev/null
}

SELFTEST_DIR=""

selftest_cleanup() {
  [[ -n "$SELFTEST_DIR" ]] || return 0
  stop_instance "$SELFTEST_DIR" >/dev/null 2>&1 || true
  rm -rf "$SELFTEST_DIR"
}

# up → one movie + one episode → safe scans → verify by JSON-RPC → down (real-kodi.md Part A, selftest).
cmd_selftest() {
  local name="selftest-$$" started clip facts movies tv verdict=PASS
  started="$(now_ms)"
  clip="$(cmd_clip)"
  SELFTEST_DIR="$BASE/$name"
  trap selftest_cleanup EXIT
  facts="$(cmd_up "$name" --http "$(free_port)" --tcp "$(free_port)")" || die "selftest: up failed"
  echo "$facts"
  movies="$(env_get "$SELFTEST_DIR" movies_root)"
  tv="$(env_get "$SELFTEST_DIR" tv_root)"

  local movie="${movies}Selftest Movie (2001)/" show="${tv}Selftest Show/"
  mkdir -p "$movie" "${show}Season 01"
  cp "$clip" "${movie}Selftest Movie (2001).mkv"
  echo '<movie><title>Selftest Movie</title><year>2001</year><uniqueid type="imdb" default="true">tt0000001</uniqueid></movie>' \
    >"${movie}Selftest Movie (2001).nfo"
  echo '<tvshow><title>Selftest Show</title><uniqueid type="tvdb" default="true">1</uniqueid></tvshow>' >"${show}tvshow.nfo"
  cp "$clip" "${show}Season 01/Selftest Show S01E01.mkv"
  echo '<episodedetails><title>Pilot</title><season>1</season><episode>1</episode></episodedetails>' \
    >"${show}Season 01/Selftest Show S01E01.nfo"

  safe_scan "$SELFTEST_DIR" "$movies" "$movie"
  if wait_for "$SELFTEST_DIR" VideoLibrary.GetMovies '{"properties":["title"]}' '"title":"Selftest Movie"'; then
    echo "movie=PASS"
  else
    echo "movie=FAIL"
    verdict=FAIL
  fi
  safe_scan "$SELFTEST_DIR" "$tv" "$show"
  if wait_for "$SELFTEST_DIR" VideoLibrary.GetEpisodes '{"properties":["title"]}' '"title":"Pilot"'; then
    echo "episode=PASS"
  else
    echo "episode=FAIL"
    verdict=FAIL
  fi
  echo "selftest=$verdict"
  echo "selftest_ms=$(($(now_ms) - started))"
  [[ "$verdict" == PASS ]]
}

# ---------------------------------------------------------------------------------------------- main

main() {
  local cmd="${1:-}"
  (($#)) && shift
  case "$cmd" in
  install) cmd_install ;;
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status ;;
  clip) cmd_clip ;;
  drop-mysql) cmd_drop_mysql "$@" ;;
  selftest) cmd_selftest ;;
  *) die "usage: $0 install | up NAME --http P --tcp T [--user U --password X] [--mysql DB] [--sigpipe default|ignore] | down NAME|--all [--purge] | status | clip | drop-mysql DB | selftest" ;;
  esac
}

main "$@"
