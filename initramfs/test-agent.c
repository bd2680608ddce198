/* test-agent.c: a stand-in for dumpagent in the initramfs tests: only the interface /init uses.
 *
 * Built statically by tests/shell/test-initramfs*.sh, so those tests do not
 * depend on the state of the real agent and can choose the capture's exit
 * status. It answers:
 *   config check --config FILE   fails (100) on a FINAL_ACTION=explode line
 *   config get KEY --config FILE prints KEY's value, "reboot" when absent;
 *                                fails (100) when the boot command line
 *                                holds testagent.getfail=1
 *   capture [--config FILE]      exits with N from testagent.exit=N on the
 *                                boot command line (default 0)
 * The boot command line is read from TESTAGENT_CMDLINE, else /proc/cmdline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *option(int argc, char **argv, const char *name, const char *dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return dflt;
}

/* Copies the value of PARAM=... from the boot command line into OUT. */
static int cmdline_param(const char *param, char *out, size_t outsz)
{
	const char *path = getenv("TESTAGENT_CMDLINE");
	char line[4096], *p;
	size_t len = strlen(param);
	FILE *f = fopen(path ? path : "/proc/cmdline", "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	for (p = strtok(line, " \n"); p; p = strtok(NULL, " \n")) {
		if (strncmp(p, param, len) == 0 && p[len] == '=') {
			snprintf(out, outsz, "%s", p + len + 1);
			return 0;
		}
	}
	return -1;
}

static int config_cmd(const char *path, const char *key)
{
	char line[1100], param[16];
	int n = 0, found = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return 100;
	}
	if (key && cmdline_param("testagent.getfail", param, sizeof(param)) == 0 &&
	    strcmp(param, "1") == 0) {
		fprintf(stderr, "test-agent: config get %s: failing as asked\n", key);
		fclose(f);
		return 100;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!key && strcmp(line, "FINAL_ACTION=explode") == 0) {
			fprintf(stderr, "test-agent: %s:%d: FINAL_ACTION: bad value 'explode'\n", path,
				n);
			fclose(f);
			return 100;
		}
		if (key && strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == '=') {
			printf("%s\n", line + strlen(key) + 1);
			found = 1;
		}
	}
	fclose(f);
	if (key && !found)
		printf("reboot\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = option(argc, argv, "--config", "/etc/dumpagent.conf");
	char param[16];

	if (argc >= 3 && strcmp(argv[1], "config") == 0 && strcmp(argv[2], "check") == 0)
		return config_cmd(config, NULL);
	if (argc >= 4 && strcmp(argv[1], "config") == 0 && strcmp(argv[2], "get") == 0)
		return config_cmd(config, argv[3]);
	if (argc >= 2 && strcmp(argv[1], "capture") == 0) {
		int status = 0;

		if (cmdline_param("testagent.exit", param, sizeof(param)) == 0)
			status = atoi(param);
		printf("test-agent: capture exits with status %d\n", status);
		return status;
	}
	fprintf(stderr, "test-agent: unknown command\n");
	return 100;
}
