# SPDX-License-Identifier: GPL-2.0
# libFuzzer harnesses, built only by `make fuzz` (clang, ASan + UBSan):
#   make fuzz
#   build/fuzz/fuzz_text_parse -max_total_time=60 -dict=tests/fuzz/text.dict \
#       build/fuzz/corpus-text tests/fuzz/corpus/text
#   build/fuzz/fuzz_json_parse -max_total_time=60 build/fuzz/corpus-json \
#       tests/fuzz/corpus/json
# The library sources are compiled into each harness with the sanitizers
# (libwqmon.a is built without them); only the pure modules are needed.
#   build/fuzz/fuzz_config_parse -max_total_time=60 build/fuzz/corpus-config \
#       tests/fuzz/corpus/config
#   build/fuzz/fuzz_shm_parse -max_total_time=60 build/fuzz/corpus-shm \
#       tests/fuzz/corpus/shm
#   build/fuzz/fuzz_web_config_parse -max_total_time=60 \
#       build/fuzz/corpus-web_config tests/fuzz/corpus/web_config
#   build/fuzz/fuzz_query_parse -max_total_time=60 build/fuzz/corpus-query \
#       tests/fuzz/corpus/query
# make test runs each briefly (tests/integration/fuzz.sh, needs clang).
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_SRCS := lib/core/model.c lib/core/queuers.c lib/core/hist.c lib/core/text.c lib/core/json.c \
	lib/core/wqconfig.c lib/core/wqconfig_json.c \
	lib/io/refwq_reader.c
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -DWQMON_VERSION='"fuzz"' \
	-fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE $(LIB_INC) $(CFLAGS_JSON)

# The configuration parser: daemon/config.c with libinih, the stall rules
# and the slow-record rules.
FUZZ_SLOW_SRCS := lib/core/slow.c lib/core/rules.c lib/core/model.c lib/core/queuers.c \
	lib/core/hist.c lib/core/wqtime.c
FUZZ_CONFIG_SRCS := daemon/config.c lib/core/stall.c lib/util/log.c \
	lib/util/http_client.c lib/util/cpulist.c $(FUZZ_SLOW_SRCS)
$(OUTPUT)/fuzz/fuzz_config_parse: tests/fuzz/fuzz_config_parse.c \
		$(FUZZ_CONFIG_SRCS) $(OUTPUT)/daemon/wqmond.conf.inc daemon/config.h
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D) $(OUTPUT)/fuzz/corpus-config
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Idaemon -I$(OUTPUT)/daemon -o $@ $< \
		$(FUZZ_CONFIG_SRCS) -linih $(LIBS_JSON) -lm

# The web config (TLS and basic auth): daemon/web_config.c with libyaml,
# GnuTLS and libxcrypt.
$(OUTPUT)/fuzz/fuzz_web_config_parse: tests/fuzz/fuzz_web_config_parse.c \
		daemon/web_config.c daemon/web_config.h
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D) $(OUTPUT)/fuzz/corpus-web_config
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Idaemon -o $@ $< daemon/web_config.c \
		-lyaml -lgnutls -lcrypt -lpthread

# The HTTP API's query values: daemon/query.c, with the slow-record
# filters it fills.
$(OUTPUT)/fuzz/fuzz_query_parse: tests/fuzz/fuzz_query_parse.c daemon/query.c \
		daemon/query.h $(FUZZ_SLOW_SRCS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D) $(OUTPUT)/fuzz/corpus-query
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Idaemon -o $@ $< daemon/query.c \
		$(FUZZ_SLOW_SRCS) $(LIBS_JSON) -lm

$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS) $(LIB_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D) $(OUTPUT)/fuzz/corpus-$(patsubst fuzz_%_parse,%,$*)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRCS) $(LIBS_JSON) -lm

.PHONY: fuzz
fuzz: $(FUZZ_BINS)
