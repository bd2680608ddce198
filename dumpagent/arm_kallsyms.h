/* arm_kallsyms.h: the running kernel's _text for kexec-tools' kexec_load on arm64, when /proc/kallsyms does not list it. */
#ifndef DUMPAGENT_ARM_KALLSYMS_H
#define DUMPAGENT_ARM_KALLSYMS_H

#include <stddef.h>

/* Debian 12's kexec-tools (2.0.25) computes arm64's page offset, for the
 * ELF core header that kexec_load makes, from _text in /proc/kallsyms. A
 * kernel without CONFIG_KALLSYMS_ALL (Debian's arm64 one) lists only
 * [_stext, _etext] there, and arm64's _text lies before _stext. The
 * kernel says where _text is in /proc/kcore: arm64 has
 * ARCH_PROC_KCORE_TEXT, so one PT_LOAD there is [_text, _end), the
 * smallest that holds _stext and _etext (the vmalloc one, which starts at
 * KIMAGE_VADDR, holds them too). Debian's /boot/System.map is a stub
 * (the real one is in the -dbg package): it cannot tell.
 *
 * 1 when KALLSYMS lists _text (nothing to do), 0 with *text set, -1 with
 * why ("action FILE: cause; fix"). */
int arm_kallsyms_text(const char *kallsyms, const char *kcore, unsigned long long *text, char *why, size_t len);

/* arm-plan's facts on arm64 (DUMPAGENT_ARCH in tests, else uname's
 * machine): kallsyms_text (0x..., "" when kallsyms lists _text or on
 * another architecture) and kallsyms_error (why a kexec_load cannot be
 * made right, ""). PROC is /proc's. */
void arm_kallsyms_put(const char *proc);

#endif
