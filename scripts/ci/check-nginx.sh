#!/usr/bin/env bash
# `nginx -t` on deploy/nginx/nginx.conf with Debian's nginx, as root or not. The file names its
# upstream `api` (the compose service, resolved by Docker's DNS), which no resolver here knows: the
# copy under test points it at 127.0.0.1 instead, and its /tmp paths at the test's own directory;
# everything else is checked as written.
set -euo pipefail
cd "$(dirname "$0")/../.."
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[ -x "$NGINX" ] || { echo "check-nginx: nginx not installed (apt-get install -y nginx)"; exit 1; }
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
mkdir -p "$prefix/conf" "$prefix/logs"
cp /etc/nginx/mime.types "$prefix/conf/" 2>/dev/null || true
# Paths under /tmp (pid, temporary files) go under the prefix, so that a run as one user never
# trips over files an earlier run as another user left in /tmp.
sed -e 's/server api:3000/server 127.0.0.1:3000/' -e "s#/tmp/#$prefix/logs/#g" deploy/nginx/nginx.conf >"$prefix/conf/nginx.conf"
grep -q 'server 127.0.0.1:3000' "$prefix/conf/nginx.conf" || { echo "check-nginx: upstream 'server api:3000' not found"; exit 1; }
echo "nginx -t ($("$NGINX" -v 2>&1)) on deploy/nginx/nginx.conf"
"$NGINX" -t -q -p "$prefix" -e "$prefix/logs/error.log" -c "$prefix/conf/nginx.conf"
echo "deploy/nginx/nginx.conf is valid"
