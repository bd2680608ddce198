#!/bin/sh
# tests/shell/test-luks-enroll.sh: dumpagent luks-enroll and luks-unenroll with the real cryptsetup on LUKS1 and LUKS2 images: the slot, the keyfile, every refusal.
#
# cryptsetup changes keyslots of a header in an image file without
# device-mapper, so this needs no root-only kernel feature. The LUKS2
# image's own slot is Argon2id, as Debian's installer makes it; the
# enrolled slot must be PBKDF2 at 1000 iterations and open with the keyfile.
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"
need cryptsetup cryptsetup-bin
[ "$(id -u)" = 0 ] || die "needs root (luks-enroll refuses others)"
DUMPAGENT_CRYPTSETUP=$(command -v cryptsetup)
DUMPAGENT_LUKS_DIR=$T/etc/dumpagent/luks
export DUMPAGENT_CRYPTSETUP DUMPAGENT_LUKS_DIR
mkdir -p "$T/etc"
printf 'correct horse' >"$T/pass"

# slot_of IMG N: "PBKDF COST" of keyslot N (luksDump: LUKS2's iterations or
# Argon2 time cost; LUKS1's slots are all pbkdf2), "" when it is not in use.
slot_of() {
	cryptsetup luksDump "$1" | awk -v n="$2" '
		/^Tokens:/ || /^Digests:/ { done = 1 }
		!done && ($0 ~ "^  " n ": " || $0 ~ "^Key Slot " n ": ENABLED") { on = 1; if ($0 ~ /ENABLED/) p = "pbkdf2"; next }
		on && (/^  [0-9]+: / || /^Key Slot/ || /^[A-Z]/) { on = 0 }
		on && /PBKDF:/ { p = $2 }
		on && (/Iterations:/ || /Time cost:/) { i = $NF }
		END { if (p != "") print p " " i }'
}

for type in luks2 luks1; do
	img=$T/$type.img
	truncate -s 20M "$img"
	if [ "$type" = luks2 ]; then
		set -- --pbkdf argon2id --pbkdf-force-iterations 4 --pbkdf-memory 32768
	else
		set -- --pbkdf-force-iterations 1000
	fi
	cryptsetup luksFormat -q --type "$type" "$@" --key-file "$T/pass" "$img" || die "luksFormat $type failed"
	uuid=$(cryptsetup luksUUID "$img")
	key=$DUMPAGENT_LUKS_DIR/$uuid.key
	rc=0
	out=$("$AGENT" luks-enroll "$img" <"$T/pass" 2>&1) || rc=$?
	same "$type: enroll says which slot" "$img ($type UUID $uuid): keyslot 1 added (pbkdf2, 1000 iterations) for the keyfile $key; load-crashkernel arms captures onto it from now on" "$out"
	same "$type: enroll exits 0" 0 "$rc"
	same "$type: the new slot is pbkdf2, 1000 iterations" "pbkdf2 1000" "$(slot_of "$img" 1)"
	[ "$type" = luks1 ] || same "$type: the passphrase's slot is still argon2id" "argon2id 4" "$(slot_of "$img" 0)"
	same "$type: the slot is recorded" 1 "$(cat "$DUMPAGENT_LUKS_DIR/$uuid.slot")"
	same "$type: keyfile and record are 0600, the directory 0700" "700 600 600 64" \
		"$(stat -c %a "$DUMPAGENT_LUKS_DIR") $(stat -c %a "$key") $(stat -c %a "$DUMPAGENT_LUKS_DIR/$uuid.slot") $(stat -c %s "$key")"
	cryptsetup open --test-passphrase --key-slot 1 --key-file "$key" "$img"
	check "$type: the keyfile opens slot 1" $? ""
	rc=0
	out=$("$AGENT" luks-enroll "$img" </dev/null 2>&1) || rc=$?
	same "$type: enrolled twice is refused" "1 dumpagent luks-enroll: $img ($type UUID $uuid) is enrolled already ($key); to enroll it again, run dumpagent luks-unenroll $img first" "$rc $out"
	rc=0
	out=$("$AGENT" luks-unenroll "$img" 2>&1) || rc=$?
	same "$type: unenroll" "0 $img ($type UUID $uuid): keyslot 1 removed, and its keyfile $key" "$rc $out"
	same "$type: the slot is gone" "" "$(slot_of "$img" 1)"
	[ ! -e "$key" ] && [ ! -e "$DUMPAGENT_LUKS_DIR/$uuid.slot" ]
	check "$type: the keyfile and the record are gone" $? "$(ls -la "$DUMPAGENT_LUKS_DIR")"
	rc=0
	out=$("$AGENT" luks-unenroll "$img" 2>&1) || rc=$?
	same "$type: unenroll of what is not enrolled" "1 dumpagent luks-unenroll: $img ($type UUID $uuid) is not enrolled: no $key; nothing to remove" "$rc $out"
done

img=$T/luks2.img
uuid=$(cryptsetup luksUUID "$img")
rc=0
out=$(printf 'wrong' | "$AGENT" luks-enroll "$img" 2>&1) || rc=$?
case $rc:$out in
"1:"*"dumpagent luks-enroll: cryptsetup luksAddKey $img failed (exit status 2): no keyslot was added; give a passphrase that opens $img (cryptsetup asks for it)") ok "a wrong passphrase: no slot" ;;
*) bad "a wrong passphrase: $rc $out" ;;
esac
same "a wrong passphrase leaves no file" "" "$(ls -A "$DUMPAGENT_LUKS_DIR")"
same "a wrong passphrase adds no slot" "" "$(slot_of "$img" 1)"

# A slot changed by hand: unenroll kills nothing it cannot prove is its own.
"$AGENT" luks-enroll "$img" <"$T/pass" >/dev/null 2>&1 || bad "enroll again failed"
cryptsetup luksKillSlot -q "$img" 1 </dev/null 2>/dev/null && cryptsetup luksAddKey -q --key-file "$T/pass" --key-slot 1 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 "$img" "$T/pass" || die "cannot replace slot 1 by hand"
rc=0
out=$("$AGENT" luks-unenroll "$img" 2>&1) || rc=$?
same "a slot replaced by hand is not killed" "1 No key available with this passphrase.
dumpagent luks-unenroll: the keyfile $DUMPAGENT_LUKS_DIR/$uuid.key does not open keyslot 1 of $img (cryptsetup exit status 2): the slot was changed by other means; nothing was removed: look with cryptsetup luksDump $img" "$rc $out"
same "... and it is still there" "pbkdf2 1000" "$(slot_of "$img" 1)"
chmod 0644 "$DUMPAGENT_LUKS_DIR/$uuid.key"
rc=0
out=$("$AGENT" luks-unenroll "$img" 2>&1) || rc=$?
same "a keyfile others can read is refused" "1 dumpagent luks-unenroll: $DUMPAGENT_LUKS_DIR/$uuid.key is not a file of root's alone (mode 0644, owner 0): a key to the disk must be readable by root only; chmod 0600 $DUMPAGENT_LUKS_DIR/$uuid.key, or unenroll and enroll again" "$rc $out"

mkfs.ext4 -q -F "$T/luks1.img" >/dev/null 2>&1 || die "mkfs.ext4 failed"
rc=0
out=$("$AGENT" luks-enroll "$T/luks1.img" 2>&1) || rc=$?
same "no LUKS header: refused" "1 dumpagent luks-enroll: $T/luks1.img holds no LUKS header (it holds ext4); give the encrypted partition itself, the one lsblk -f shows as crypto_LUKS" "$rc $out"
rc=0
out=$("$AGENT" luks-enroll 2>&1) || rc=$?
same "no device: usage" "100 dumpagent luks-enroll: missing DEVICE; see dumpagent --help" "$rc $out"
if command -v setpriv >/dev/null 2>&1; then
	rc=0
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$AGENT" luks-enroll "$img" 2>&1) || rc=$?
	same "not root: refused" "11 dumpagent luks-enroll: permission denied: luks-enroll changes the keyslots of $img and keeps a key to it; run it as root" "$rc $out"
fi
finish
