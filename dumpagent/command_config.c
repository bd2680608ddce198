/* command_config.c: config check and config get: the agent's configuration parser, for load-crashkernel and by hand. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "exit_codes.h"
#include "log.h"

static int config_option(void *ctx, int letter, const char *value)
{
	if (letter == 'c')
		*(const char **)ctx = value;
	return EXIT_OK;
}

/* Loads --config for the command name; key (config get) is printed. */
static int config_run(const char *name, int argc, char **argv)
{
	const char *path = CONFIG_PATH, *key = NULL;
	struct config_error err;
	struct config cfg;
	int first, k = 0, r;

	log_set_command(name);
	r = command_parse(command_named(name), argc, argv, config_option, &path, &first);
	if (r != EXIT_OK)
		return r;
	if (first < argc)
		key = argv[first];
	if (key && (k = config_key_lookup(key, strlen(key))) < 0)
		return command_usage_error(name, "unknown key '%s'", key);
	if (config_load(path, &cfg, &err) < 0) {
		config_report_error(path, &err);
		return EXIT_CONFIG;
	}
	if (key)
		printf("%s\n", config_get(&cfg, (enum config_key)k));
	return EXIT_OK;
}

int command_config_check(int argc, char **argv)
{
	return config_run("config check", argc, argv);
}

int command_config_get(int argc, char **argv)
{
	return config_run("config get", argc, argv);
}
