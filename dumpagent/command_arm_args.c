/* command_arm_args.c: dumpagent arm-args: load-crashkernel's own command line, and its --help. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "command_arm.h"
#include "config.h"
#include "exit_codes.h"
#include "log.h"

#define LOADER "load-crashkernel"

/* The loader's --help: its options here, its exit statuses from exit_codes.h's numbers
 * (tests/shell/test-docs.sh checks that load-crashkernel(8) lists the same). */
static const char usage[] =
	"usage: " LOADER " [--config FILE] [--kernel FILE] [--initrd FILE] [--shrink] [--dry-run]\n"
	"       " LOADER " --reserve [--config FILE] [--kernel FILE] [--initrd FILE] [--dry-run]\n"
	"       " LOADER " --unload [--if-valid [--config FILE]] [--dry-run]\n"
	"       " LOADER " --check-config [--config FILE]\n"
	"\n"
	"  --config FILE   configuration (default " CONFIG_PATH ")\n"
	"  --kernel FILE   capture kernel, instead of CAPTURE_KERNEL\n"
	"  --initrd FILE   capture initramfs, instead of CAPTURE_INITRD\n"
	"  --dry-run       check everything, print what would be done\n"
	"  --shrink        give the reserved memory not needed back (until a reboot)\n"
	"  --reserve       write the crashkernel= needed to GRUB's settings (grub.d/dumpagent.cfg)\n"
	"  --unload        unload the capture kernel\n"
	"  --if-valid      with --unload: only when a load would pass its checks\n"
	"  --check-config  only parse and validate the configuration\n"
	"\n"
	"exit status:\n";

static const struct {
	int code;
	const char *what;
} exits[] = {
	{ EXIT_OK, "armed (--dry-run, --check-config: no problem found)" },
	{ EXIT_FAILED, "kexec failed (on arm64, also: the _text fix of kexec_load), or the agent could not be run" },
	{ EXIT_NOT_RESERVED, "no memory is reserved for the capture kernel (crashkernel=)" },
	{ EXIT_NO_KERNEL, "capture kernel or initramfs missing or unreadable, or its rebuild failed" },
	{ EXIT_NO_TARGET, "TARGET=auto cannot be resolved to a filesystem UUID" },
	{ EXIT_NOT_LOADED, "kexec succeeded but the kernel does not report a loaded capture kernel" },
	{ EXIT_NOT_WRITTEN, "--reserve, --shrink: the GRUB setting or kexec_crash_size not written" },
	{ EXIT_UNREACHABLE, "the capture mode cannot reach the target (a driver missing; nfs, loop, dm, md)" },
	{ EXIT_LOCKDOWN, "kernel lockdown refuses the capture kernel (unsigned, or its key not trusted)" },
	{ EXIT_TOO_SMALL, "the memory reserved is less than the capture mode's estimated need" },
	{ EXIT_USAGE, "usage error" },
	{ EXIT_CONFIG, "configuration error" },
};

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' }, { "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' }, { "dry-run", no_argument, NULL, 'n' },
	{ "shrink", no_argument, NULL, 's' },       { "if-valid", no_argument, NULL, 'v' },
	{ "unload", no_argument, NULL, 'u' },       { "reserve", no_argument, NULL, 'r' },
	{ "check-config", no_argument, NULL, 'C' }, { "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The loader's usage error, in its name: "load-crashkernel: MESSAGE; see load-crashkernel --help". */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, LOADER ": %s; see " LOADER " --help\n", msg);
	return EXIT_USAGE;
}

static void put_help(void)
{
	char text[sizeof(usage) + 2048];
	size_t n = (size_t)snprintf(text, sizeof(text), "%s", usage);

	for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]) && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  %-4d %s\n", exits[i].code, exits[i].what);
	/* The loader's own: its traps exit with 128 and the signal's number. */
	if (n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "  129, 130, 143: stopped by SIGHUP, SIGINT or SIGTERM\n");
	if (n < sizeof(text))
		(void)snprintf(text + n, sizeof(text) - n, "See " LOADER "(8).");
	arm_put("help", text);
}

/* The one action a command line asks for (--unload, --reserve,
 * --check-config, or a load when none): two of them are a usage error. */
static int set_action(const char **action, const char *to, const char *opt)
{
	if (**action && strcmp(*action, to) != 0)
		return usage_error("%s goes with no other action", opt);
	*action = to;
	return EXIT_OK;
}

/* dumpagent arm-args ARG...: load-crashkernel's arguments as conf, opt_kernel,
 * opt_initrd, dry_run, opt_shrink, opt_if_valid, action (load, unload, reserve,
 * check) and help (its --help text, "" unless asked). */
int command_arm_args(int argc, char **argv)
{
	const char *conf = CONFIG_PATH, *kernel = "", *initrd = "", *action = "";
	int opt, r = EXIT_OK, dry_run = 0, shrink = 0, if_valid = 0, help = 0;

	log_set_command("arm-args");
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while (r == EXIT_OK && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': conf = optarg; break;
		case 'k': kernel = optarg; break;
		case 'i': initrd = optarg; break;
		case 'n': dry_run = 1; break;
		case 's': shrink = 1; break;
		case 'v': if_valid = 1; break;
		case 'h': help = 1; break;
		case 'u': r = set_action(&action, "unload", "--unload"); break;
		case 'r': r = set_action(&action, "reserve", "--reserve"); break;
		case 'C': r = set_action(&action, "check", "--check-config"); break;
		case ':': r = usage_error("%s needs an argument", argv[optind - 1]); break;
		default: r = usage_error("unknown option '%s'", argv[optind - 1]); break;
		}
	}
	if (r != EXIT_OK)
		return r;
	if (!help && optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!help && if_valid && strcmp(action, "unload") != 0)
		return usage_error("--if-valid goes with --unload");
	if (!help && shrink && *action)
		return usage_error("--shrink goes with a load, not with --unload, --reserve or --check-config");
	arm_put("conf", conf);
	arm_put("opt_kernel", kernel);
	arm_put("opt_initrd", initrd);
	arm_put("dry_run", dry_run ? "1" : "");
	arm_put("opt_shrink", shrink ? "1" : "");
	arm_put("opt_if_valid", if_valid ? "1" : "");
	arm_put("action", *action ? action : "load");
	if (help)
		put_help();
	else
		arm_put("help", "");
	return EXIT_OK;
}
