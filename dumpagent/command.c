/* command.c: the one table of dumpagent's commands, their options, and their --help.
 *
 * Dispatch (main.c), option parsing (command_parse) and --help all read these
 * tables: a new command is one line in commands[], a new option one line in
 * options[] and its letter in the commands that take it. */
#include "command.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exit_codes.h"
#include "log.h"

/* Option letters: c config, d crash-dir, j json, y yes, a apport, t tar;
 * capture's v k m p r w, and its test hooks s e Y T; arm-plan's K I F L,
 * arm-state's R, arm-need's and arm-state's M, arm-need's B and N. */
static const struct command commands[] = {
	{ "capture", NULL, "cvkmprwseYT", "save /proc/vmcore (in the capture kernel)", command_capture },
	{ "config check", NULL, "c", "check the configuration", command_config_check },
	{ "config get", "KEY", "c", "print the value of KEY (see dumpagent.conf(5))", command_config_get },
	{ "probe", "DEVICE...", "", "show the filesystem the agent sees", command_probe },
	{ "status", NULL, "cdj", "would a crash now be captured?", cli_status },
	{ "list", NULL, "cdj", "the dumps, newest first", cli_list },
	{ "show", "ID", "cdj", "the summary and files of one dump", cli_show },
	{ "export", "ID", "cdat", "its .crash report for apport, or one archive", cli_export },
	{ "delete", "ID", "cd", "remove one dump", cli_delete },
	{ "gc", NULL, "cd", "apply MAX_DUMPS, MAX_TOTAL_MB, MAX_AGE_DAYS", cli_gc },
	{ "complete", NULL, "cd", "embed each dump in its .crash report (REPORT_VMCORE=boot)", cli_complete },
	{ "test", NULL, "cdy", "crash this machine now, to prove capture works", cli_test },
	{ "luks-enroll", "DEVICE", "", "add a keyslot and keyfile so captures can open this LUKS device",
	  command_luks_enroll },
	{ "luks-unenroll", "DEVICE", "", "remove that keyslot and its keyfile", command_luks_unenroll },
	{ "arm-args", "[ARG...]", "", "(load-crashkernel) its own command line, and its --help", command_arm_args },
	{ "arm-plan", NULL, "cKIFL", "(load-crashkernel) the configuration, the checks of a load", command_arm_plan },
	{ "arm-need", "KERNEL INITRD", "MBN", "(load-crashkernel) the crashkernel= they need", command_arm_need },
	{ "arm-state", "KERNEL INITRD CONFIG CMDLINE", "RM", "(load-crashkernel) checksums; armed already?",
	  command_arm_state },
};

static const struct {
	const char *name; /* --name */
	int letter;
	const char *arg;  /* its argument, or NULL for a flag */
	const char *what; /* its line in --help; NULL: a hook for tests, not shown */
} options[] = {
	{ "config", 'c', "FILE", "configuration (default " CONFIG_PATH ")" },
	{ "crash-dir", 'd', "DIR", "read the dumps in DIR instead of the target's CRASH_DIR" },
	{ "json", 'j', NULL, "the same facts as JSON" },
	{ "yes", 'y', NULL, "do not ask for confirmation" },
	{ "apport", 'a', NULL, "copy the dump's .crash report to /var/crash for apport" },
	{ "tar", 't', "FILE", "write the dump as one archive (- for stdout)" },
	{ "vmcore", 'v', "FILE", "crash dump to read (default /proc/vmcore)" },
	{ "cmdline", 'k', "FILE", "kernel command line with dumpagent.* (default /proc/cmdline)" },
	{ "makedumpfile", 'm', "PATH", "makedumpfile binary (default /usr/bin/makedumpfile)" },
	{ "mountpoint", 'p', "DIR", "where the target is mounted (default /mnt/target)" },
	{ "target-dir", 'r', "DIR", "use this already mounted directory as the target" },
	{ "wait", 'w', "SECONDS", "how long to wait for the target disk (default 30)" },
	{ "sys-block", 's', "DIR", NULL },
	{ "dev-dir", 'e', "DIR", NULL },
	{ "tty", 'Y', "DEV", NULL },
	{ "clock", 'T', "SECONDS", NULL }, /* the capture kernel's clock */
	/* load-crashkernel's, documented in dumpagent(8) with arm-plan and arm-state */
	{ "kernel", 'K', "FILE", NULL },
	{ "initrd", 'I', "FILE", NULL },
	{ "files", 'F', NULL, NULL },
	{ "load", 'L', NULL, NULL },
	{ "record", 'R', "METHOD", NULL },
	{ "mode", 'M', "MODE", NULL },
	{ "reserved", 'B', "BYTES", NULL },
	{ "threads", 'N', "COUNT", NULL },
};

/* The texts are exit_codes.h's comments (tests/shell/test-docs.sh compares them). */
static const struct {
	int code;
	const char *what;
} exits[] = {
	{ EXIT_OK, "done; status: armed; capture: complete" },
	{ EXIT_FAILED, "not done, each reason named; capture: nothing saved" },
	{ EXIT_DMESG_ONLY, "capture: the dmesg saved, no dump" },
	{ EXIT_FALLBACK, "capture: the agent's own core, or a dump without the dmesg" },
	{ EXIT_REFUSED, "capture: the target is not certain or not safe; nothing written" },
	{ EXIT_NO_DUMP, "no dump with that ID" },
	{ EXIT_DENIED, "not root" },
	{ EXIT_NOT_RESERVED, "no memory reserved for the capture kernel (crashkernel=)" },
	{ EXIT_NO_KERNEL, "capture kernel or initramfs missing, unreadable, or not rebuilt" },
	{ EXIT_NO_TARGET, "TARGET=auto cannot be resolved to a filesystem" },
	{ EXIT_NOT_LOADED, "kexec succeeded, but the kernel reports no capture kernel" },
	{ EXIT_NOT_WRITTEN, "--reserve, --shrink: the GRUB setting or kexec_crash_size not written" },
	{ EXIT_UNREACHABLE, "the capture mode cannot reach the target (a driver missing; nfs, loop, dm, md)" },
	{ EXIT_LOCKDOWN, "kernel lockdown refuses the capture kernel (unsigned, or its key not trusted)" },
	{ EXIT_TOO_SMALL, "the memory reserved is less than the capture mode's estimated need" },
	{ EXIT_USAGE, "bad command line" },
	{ EXIT_CONFIG, "bad configuration" },
	{ EXIT_SYSTEM, "a system call failed where it should not (I/O, memory)" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct command *command_find(int argc, char **args, int *words)
{
	*words = 1;
	for (size_t i = 0; i < N(commands); i++) {
		const char *name = commands[i].name, *space = strchr(name, ' ');
		size_t n = space ? (size_t)(space - name) : strlen(name);

		if (strncmp(args[0], name, n) != 0 || args[0][n] != '\0')
			continue;
		if (!space)
			return &commands[i];
		*words = argc > 1 ? 2 : 1; /* "config X": both words name it */
		if (argc > 1 && strcmp(args[1], space + 1) == 0)
			return &commands[i];
	}
	return NULL;
}

const struct command *command_named(const char *name)
{
	size_t i = 0;

	while (strcmp(commands[i].name, name) != 0)
		i++;
	return &commands[i];
}

int command_usage_error(const char *name, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_set_command(name);
	log_error("%s; see dumpagent --help", msg);
	return EXIT_USAGE;
}

/* cmd->operand is its words: "ID", "KERNEL INITRD" (exactly these), or
 * "DEVICE..." (one or more). */
static int check_operands(const struct command *cmd, int n, char **args)
{
	const char *op = cmd->operand ? cmd->operand : "", *word = op;
	int least = 0, most;

	for (const char *p = op; *p; p += strcspn(p, " "), p += *p == ' ') {
		if (least++ == n)
			word = p; /* the first one missing */
	}
	most = strstr(op, "...") ? n : least;
	if (n < least)
		return command_usage_error(cmd->name, "missing %.*s", (int)strcspn(word, " ."), word);
	if (n > most)
		return command_usage_error(cmd->name, "unexpected argument '%s'", args[most]);
	return EXIT_OK;
}

int command_parse(const struct command *cmd, int argc, char **argv,
		  int (*set)(void *ctx, int letter, const char *value), void *ctx, int *first)
{
	struct option longopts[N(options) + 1];
	size_t n = 0;
	int opt, r;

	memset(longopts, 0, sizeof(longopts));
	for (size_t i = 0; i < N(options); i++) {
		if (!strchr(cmd->opts, options[i].letter))
			continue;
		longopts[n].name = options[i].name;
		longopts[n].has_arg = options[i].arg ? required_argument : no_argument;
		longopts[n++].val = options[i].letter;
	}
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	/* ":" first: a missing argument is ':', an unknown option '?'; either
	 * way getopt has stepped past it. */
	while ((opt = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (opt == '?')
			return command_usage_error(cmd->name, "unknown option '%s'", argv[optind - 1]);
		if (opt == ':')
			return command_usage_error(cmd->name, "option '%s' needs an argument",
						   argv[optind - 1]);
		r = set(ctx, opt, optarg);
		if (r != EXIT_OK)
			return r;
	}
	*first = optind;
	return check_operands(cmd, argc - optind, argv + optind);
}

/* The commands that take option i, below its help line, wrapped. */
static void print_takers(FILE *f, size_t i)
{
	const char *indent = "                        ";
	size_t col = 0;

	fprintf(f, "%.*s(", (int)strlen(indent) - 1, indent);
	for (size_t k = 0; k < N(commands); k++) {
		size_t len = strlen(commands[k].name);

		if (!strchr(commands[k].opts, options[i].letter))
			continue;
		if (col && col + len > 52) {
			fprintf(f, ",\n%s", indent);
			col = 0;
		} else if (col) {
			fputs(", ", f);
		}
		fputs(commands[k].name, f);
		col += len + 2;
	}
	fputs(")\n", f);
}

void command_help(FILE *f)
{
	char left[64];

	fputs("usage: dumpagent COMMAND [OPTION]...\n       dumpagent --help | --version\n\ncommands:\n", f);
	for (size_t i = 0; i < N(commands); i++) {
		(void)snprintf(left, sizeof(left), "%s%s%s", commands[i].name,
			       commands[i].operand ? " " : "", commands[i].operand ? commands[i].operand : "");
		if (strlen(left) > 20) /* a long synopsis gets a line of its own */
			fprintf(f, "  %s\n  %-20s %s\n", left, "", commands[i].what);
		else
			fprintf(f, "  %-20s %s\n", left, commands[i].what);
	}
	fputs("\noptions, and (in brackets) the commands that take them:\n", f);
	for (size_t i = 0; i < N(options); i++) {
		if (!options[i].what)
			continue;
		(void)snprintf(left, sizeof(left), "--%s%s%s", options[i].name, options[i].arg ? " " : "",
			       options[i].arg ? options[i].arg : "");
		fprintf(f, "  %-20s %s\n", left, options[i].what);
		print_takers(f, i);
	}
	fputs("status, list, show, export, delete, gc, complete and test are for root only.\n"
	      "environment: DUMPAGENT_SYSFS, DUMPAGENT_PROC, DUMPAGENT_DEV, DUMPAGENT_RUN,\n"
	      "DUMPAGENT_APPORT_DIR, DUMPAGENT_GRUB_DIR replace /sys, /proc, /dev,\n"
	      "/run/dumpagent, /var/crash and /etc/default/grub.d.\n"
	      "\nexit status (one table for dumpagent and load-crashkernel):\n", f);
	for (size_t i = 0; i < N(exits); i++)
		fprintf(f, "  %-4d %s\n", exits[i].code, exits[i].what);
	fputs("\nmessages, on stderr: \"dumpagent[ COMMAND]: what failed, its object and the\n"
	      "cause[; the fix]\"; a usage error ends with \"; see dumpagent --help\", and a\n"
	      "warning starts \"dumpagent[ COMMAND]: warning: \".\n"
	      "See dumpagent(8) and dumpagent.conf(5).\n",
	      f);
}
