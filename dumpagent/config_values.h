/* config_values.h: what each configuration key accepts. */
#ifndef DUMPAGENT_CONFIG_VALUES_H
#define DUMPAGENT_CONFIG_VALUES_H

/* Returns NULL when value is acceptable for key, else the expectation text. */
const char *config_value_check(int key, const char *value);

#endif
