# shellcheck shell=sh
# fake-target.sh: a fake running system for the loader tests: the target's driver chain in sysfs, its mount, the small kernel's built-in list.
#
# Sourced by the loader tests (after lib.sh). Every link is absolute, so
# that the agent's realpath() walks the fake tree as it walks /sys.

# fake_bind SYS DEVPATH BUS DRIVER [MODULE]: DRIVER bound to SYS/devices/DEVPATH,
# with its module link when MODULE is given (a built-in driver may have none).
fake_bind() {
	mkdir -p "$1/devices/$2" "$1/bus/$3/drivers/$4"
	ln -sfn "$1/bus/$3/drivers/$4" "$1/devices/$2/driver"
	[ -z "${5:-}" ] || { mkdir -p "$1/module/$5" && ln -sfn "$1/module/$5" "$1/bus/$3/drivers/$4/module"; }
}

# fake_block SYS MAJ:MIN DEVPATH: the block device SYS/dev/block/MAJ:MIN (a
# partition when its name ends in a digit after a letter).
fake_block() {
	mkdir -p "$1/devices/$3" "$1/dev/block"
	case ${3##*/} in *[a-z][0-9]) echo 1 >"$1/devices/$3/partition" ;; esac
	ln -sfn "$1/devices/$3" "$1/dev/block/$2"
}

# fake_virtio SYS MAJ:MIN: a partition on a virtio disk (virtio_pci, virtio_blk).
fake_virtio() {
	fake_bind "$1" pci0000:00/0000:00:04.0 pci virtio-pci virtio_pci
	fake_bind "$1" pci0000:00/0000:00:04.0/virtio1 virtio virtio_blk virtio_blk
	fake_block "$1" "$2" pci0000:00/0000:00:04.0/virtio1/block/vda/vda1
}

# fake_megaraid SYS MAJ:MIN: a SCSI disk behind an LSI MegaRAID controller.
fake_megaraid() {
	rm -rf "$1/dev/block/$2"
	fake_bind "$1" pci0000:00/0000:00:05.0 pci megaraid_sas megaraid_sas
	fake_bind "$1" pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0 scsi sd sd_mod
	fake_block "$1" "$2" pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda
}

# fake_mounts PROC MAJ:MIN IMAGE: the filesystem in IMAGE mounted at /srv from device MAJ:MIN.
fake_mounts() {
	mkdir -p "$1/self"
	printf '%s\n' "1 0 8:99 / / rw - ext4 /dev/other rw" \
		"23 1 $2 / /srv rw,relatime - ext4 $3 rw" >"$1/self/mountinfo"
}

# fake_builtin KERNEL: the small kernel's list of its built-in drivers, beside it.
fake_builtin() {
	printf '%s\n' ahci ext4 nvme sd_mod virtio_blk virtio_pci virtio_scsi xfs >"$1.builtin"
}
