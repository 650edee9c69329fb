#!/bin/sh
# Builds native/<platform>-<arch>/strata-sh-helper from native/helper.c (see the README's
# "Job control" section). The linux-x64 binary is committed; run this after editing helper.c:
#   sh packages/shell/scripts/build-helper.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
platform=$(node -p 'process.platform + "-" + process.arch')
mkdir -p "$here/native/$platform"
${CC:-cc} -O2 -Wall -Wextra -Werror -s -o "$here/native/$platform/strata-sh-helper" "$here/native/helper.c"
echo "built native/$platform/strata-sh-helper"
