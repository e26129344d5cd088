/*
 * oilwire dev broker: a Kafka-protocol cluster on librdkafka's mock cluster, for tests and
 * local runs on machines without Kafka (see shared/notes/kafka-dev-broker.md).
 *
 *   dev-broker [--brokers N | -b N | N] [--retention-bytes B] [topic:partitions ...]
 *
 * Prints the bootstrap address as the first line on stdout, then reads one command per
 * line on stdin and answers one line on stdout, starting with `ok` or `err`:
 *
 *   down <broker-id>                      take a broker down (connections closed, refused)
 *   up <broker-id>                        bring it back
 *   create <topic> <partitions>           create a topic (`ok exists <topic>` if it is there)
 *   errors <apikey> <count> <errcode>     the next <count> requests of <apikey> fail with <errcode>
 *   rtt <broker-id> <ms>                  add round-trip latency to a broker
 *   leader <topic> <partition> <id>       move a partition's leader (-1: leaderless)
 *   retention <bytes>                     log kept per partition from now on (0: unlimited)
 *   stats                                 `ok stats retention_bytes B appended_batches N dropped_batches M`
 *   ping                                  `ok pong`
 *   quit                                  `ok bye`, then exit
 *
 * <apikey> and <errcode> are numbers or names (Produce, Fetch, ...; NOT_LEADER_FOR_PARTITION,
 * _TRANSPORT, ...). The program exits with status 0 on stdin EOF, `quit`, SIGTERM or SIGINT.
 * Everything lives in memory: the log is gone when it exits.
 *
 * Retention: librdkafka's mock keeps only 5 MB (or 100,000 batches) per partition and silently
 * drops the oldest batches beyond that, so a consumer that fell behind skips data. The mock has no
 * API for it, so this program links librdkafka statically and wraps the (global, internal)
 * rd_kafka_mock_partition_log_append: on the mock thread, before each append, it raises the
 * partition's limits to --retention-bytes (default 1 GiB per partition). The limits' place in the
 * partition struct is found once, by their default values side by side; if it cannot be found the
 * program refuses to start rather than run with a retention it does not control.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_LINE 4096
#define MAX_ERRORS 100000

static rd_kafka_mock_cluster_t *mc;
static int broker_cnt = 3;

/* librdkafka 2.x's compiled-in per-partition limits (rdkafka_mock.c), the signature looked for. */
#define MOCK_DEFAULT_MAX_SIZE ((size_t)5 * 1024 * 1024)
#define MOCK_DEFAULT_MAX_CNT ((size_t)100000)
#define SCAN_WORDS 64
#define DEFAULT_RETENTION_BYTES ((size_t)1 << 30)
/* Batches, not messages: every produce request adds at least one. */
#define RETENTION_BATCHES ((size_t)1 << 40)

typedef struct rd_kafka_mock_partition_s rd_kafka_mock_partition_t;
typedef struct rd_kafka_mock_topic_s rd_kafka_mock_topic_t;
/* Internal librdkafka functions: global symbols of the static library, not in its public headers. */
rd_kafka_resp_err_t __real_rd_kafka_mock_partition_log_append(rd_kafka_mock_partition_t *mpart, const void *records,
                                                              const void *transactional_id, int64_t *base_offset);
rd_kafka_mock_topic_t *rd_kafka_mock_topic_find(const rd_kafka_mock_cluster_t *mcluster, const char *name);
rd_kafka_mock_partition_t *rd_kafka_mock_partition_find(const rd_kafka_mock_topic_t *mtopic, int32_t partition);

static size_t retention_bytes = DEFAULT_RETENTION_BYTES; /* 0: unlimited; read on the mock thread */
static long limits_at = -1;                               /* word index of max_size in the partition struct */
static unsigned long long appended_batches, dropped_batches;

/*
 * Finds max_size/max_cnt in a partition struct: the two defaults side by side, right after size and
 * cnt (cnt <= size). The first match counts: partitions sit in one array, so later matches belong
 * to the next partition.
 */
static long find_limits(const size_t *words) {
        long i;
        for (i = 2; i + 1 < SCAN_WORDS; i++)
                if (words[i] == MOCK_DEFAULT_MAX_SIZE && words[i + 1] == MOCK_DEFAULT_MAX_CNT && words[i - 1] <= words[i - 2] + 1)
                        return i;
        return -1;
}

static void set_limits(size_t *words) {
        size_t bytes = __atomic_load_n(&retention_bytes, __ATOMIC_RELAXED);
        words[limits_at] = bytes == 0 ? (size_t)-1 : bytes;
        words[limits_at + 1] = RETENTION_BATCHES;
}

/* Runs on the mock cluster's thread for every produced batch. */
rd_kafka_resp_err_t __wrap_rd_kafka_mock_partition_log_append(rd_kafka_mock_partition_t *mpart, const void *records,
                                                              const void *transactional_id, int64_t *base_offset) {
        size_t *words = (size_t *)mpart;
        size_t cnt_before;
        rd_kafka_resp_err_t err;
        if (limits_at < 0 && (limits_at = find_limits(words)) < 0) {
                fprintf(stderr, "dev-broker: cannot find the partition retention limits in this librdkafka; stopping rather than dropping data\n");
                _exit(70);
        }
        set_limits(words);
        cnt_before = words[limits_at - 1];
        err = __real_rd_kafka_mock_partition_log_append(mpart, records, transactional_id, base_offset);
        if (!err) {
                size_t cnt_after = words[limits_at - 1];
                __atomic_add_fetch(&appended_batches, 1, __ATOMIC_RELAXED);
                if (cnt_after < cnt_before + 1) {
                        unsigned long long d = cnt_before + 1 - cnt_after;
                        unsigned long long total = __atomic_add_fetch(&dropped_batches, d, __ATOMIC_RELAXED);
                        /* Loud, but not one line per batch: at the first drop and at each power of two. */
                        if ((total & (total - 1)) == 0 || total == d)
                                fprintf(stderr, "dev-broker: retention dropped %llu batches so far (limit %zu bytes per partition)\n", total,
                                        __atomic_load_n(&retention_bytes, __ATOMIC_RELAXED));
                }
        }
        return err;
}

/* At start, before any client connects: find the limits on a partition created from the command line. */
static int probe_limits(const char *topic) {
        rd_kafka_mock_topic_t *mtopic = rd_kafka_mock_topic_find(mc, topic);
        rd_kafka_mock_partition_t *mpart = mtopic ? rd_kafka_mock_partition_find(mtopic, 0) : NULL;
        if (!mpart)
                return -1;
        limits_at = find_limits((const size_t *)mpart);
        return limits_at < 0 ? -1 : 0;
}

static const struct {
        const char *name;
        int key;
} api_keys[] = {
    {"Produce", 0},       {"Fetch", 1},        {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},  {"OffsetFetch", 9},  {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},    {"LeaveGroup", 13},  {"SyncGroup", 14},       {"DescribeGroups", 15},
    {"ListGroups", 16},   {"ApiVersions", 18}, {"CreateTopics", 19},    {"InitProducerId", 22},
    {"AddPartitionsToTxn", 24},                {"EndTxn", 26},
};

/* Answers one line and flushes: the driver waits for exactly one line per command. */
static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        if (fflush(stdout) != 0) {
                /* Nobody is listening any more: leave quietly rather than spin. */
                rd_kafka_t *rk = rd_kafka_mock_cluster_handle(mc);
                rd_kafka_mock_cluster_destroy(mc);
                rd_kafka_destroy(rk);
                _exit(0);
        }
}

static int parse_int(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

static int parse_api_key(const char *s, int *out) {
        long v;
        size_t i;
        if (parse_int(s, 0, 1000, &v) == 0) {
                *out = (int)v;
                return 0;
        }
        for (i = 0; i < sizeof(api_keys) / sizeof(api_keys[0]); i++) {
                if (strcasecmp(s, api_keys[i].name) == 0 ||
                    (strncasecmp(s, api_keys[i].name, strlen(api_keys[i].name)) == 0 &&
                     strcasecmp(s + strlen(api_keys[i].name), "Request") == 0)) {
                        *out = api_keys[i].key;
                        return 0;
                }
        }
        return -1;
}

static int parse_err_code(const char *s, rd_kafka_resp_err_t *out) {
        long v;
        const struct rd_kafka_err_desc *descs;
        size_t cnt, i;
        if (parse_int(s, INT_MIN, INT_MAX, &v) == 0) {
                *out = (rd_kafka_resp_err_t)v;
                return 0;
        }
        if (strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18) == 0)
                s += 18;
        rd_kafka_get_err_descs(&descs, &cnt);
        for (i = 0; i < cnt; i++) {
                if (descs[i].name && strcasecmp(descs[i].name, s) == 0) {
                        *out = descs[i].code;
                        return 0;
                }
        }
        return -1;
}

static int broker_id_arg(const char *s, int32_t *out) {
        long v;
        if (parse_int(s, 1, broker_cnt, &v) != 0)
                return -1;
        *out = (int32_t)v;
        return 0;
}

static int replication(void) {
        return broker_cnt < 3 ? broker_cnt : 3;
}

/* Returns 0 on success or if the topic exists (reported through *existed). */
static rd_kafka_resp_err_t create_topic(const char *name, int partitions, int *existed) {
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, partitions, replication());
        *existed = err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
        return *existed ? RD_KAFKA_RESP_ERR_NO_ERROR : err;
}

/* Handles one command line; returns 1 when the program should exit. */
static int handle(char *line) {
        char *argv[8];
        int argc = 0;
        char *save = NULL, *tok;
        long n;
        int32_t id;
        rd_kafka_resp_err_t err;

        for (tok = strtok_r(line, " \t\r", &save); tok && argc < 8; tok = strtok_r(NULL, " \t\r", &save))
                argv[argc++] = tok;
        if (argc == 0)
                return 0; /* blank lines are ignored, not answered */

        if (!strcmp(argv[0], "quit") || !strcmp(argv[0], "exit")) {
                reply("ok bye");
                return 1;
        }
        if (!strcmp(argv[0], "ping")) {
                reply("ok pong");
                return 0;
        }
        if (!strcmp(argv[0], "down") || !strcmp(argv[0], "up")) {
                if (argc != 2 || broker_id_arg(argv[1], &id) != 0) {
                        reply("err usage: %s <broker-id 1..%d>", argv[0], broker_cnt);
                        return 0;
                }
                err = argv[0][0] == 'd' ? rd_kafka_mock_broker_set_down(mc, id) : rd_kafka_mock_broker_set_up(mc, id);
                if (err)
                        reply("err %s %s", rd_kafka_err2name(err), rd_kafka_err2str(err));
                else
                        reply("ok %s %d", argv[0], (int)id);
                return 0;
        }
        if (!strcmp(argv[0], "create")) {
                int existed;
                if (argc != 3 || parse_int(argv[2], 1, 10000, &n) != 0) {
                        reply("err usage: create <topic> <partitions 1..10000>");
                        return 0;
                }
                err = create_topic(argv[1], (int)n, &existed);
                if (err)
                        reply("err %s %s", rd_kafka_err2name(err), rd_kafka_err2str(err));
                else if (existed)
                        reply("ok exists %s", argv[1]);
                else
                        reply("ok created %s %ld", argv[1], n);
                return 0;
        }
        if (!strcmp(argv[0], "errors")) {
                int api;
                long cnt;
                rd_kafka_resp_err_t code, *codes;
                if (argc != 4 || parse_api_key(argv[1], &api) != 0 || parse_int(argv[2], 0, MAX_ERRORS, &cnt) != 0 ||
                    parse_err_code(argv[3], &code) != 0) {
                        reply("err usage: errors <apikey> <count 0..%d> <errcode>", MAX_ERRORS);
                        return 0;
                }
                if (cnt == 0) {
                        rd_kafka_mock_clear_request_errors(mc, (int16_t)api);
                        reply("ok cleared %d", api);
                        return 0;
                }
                codes = malloc(sizeof(*codes) * (size_t)cnt);
                if (!codes) {
                        reply("err out of memory");
                        return 0;
                }
                for (n = 0; n < cnt; n++)
                        codes[n] = code;
                rd_kafka_mock_push_request_errors_array(mc, (int16_t)api, (size_t)cnt, codes);
                free(codes);
                reply("ok errors %d %ld %s", api, cnt, rd_kafka_err2name(code));
                return 0;
        }
        if (!strcmp(argv[0], "rtt")) {
                if (argc != 3 || broker_id_arg(argv[1], &id) != 0 || parse_int(argv[2], 0, 3600000, &n) != 0) {
                        reply("err usage: rtt <broker-id 1..%d> <ms>", broker_cnt);
                        return 0;
                }
                err = rd_kafka_mock_broker_set_rtt(mc, id, (int)n);
                if (err)
                        reply("err %s %s", rd_kafka_err2name(err), rd_kafka_err2str(err));
                else
                        reply("ok rtt %d %ld", (int)id, n);
                return 0;
        }
        if (!strcmp(argv[0], "leader")) {
                long part, leader;
                if (argc != 4 || parse_int(argv[2], 0, 9999, &part) != 0 || parse_int(argv[3], -1, broker_cnt, &leader) != 0 ||
                    leader == 0) {
                        reply("err usage: leader <topic> <partition> <broker-id|-1>");
                        return 0;
                }
                err = rd_kafka_mock_partition_set_leader(mc, argv[1], (int32_t)part, (int32_t)leader);
                if (err)
                        reply("err %s %s", rd_kafka_err2name(err), rd_kafka_err2str(err));
                else
                        reply("ok leader %s %ld %ld", argv[1], part, leader);
                return 0;
        }
        if (!strcmp(argv[0], "retention")) {
                if (argc != 2 || parse_int(argv[1], 0, LONG_MAX, &n) != 0) {
                        reply("err usage: retention <bytes per partition, 0: unlimited>");
                        return 0;
                }
                __atomic_store_n(&retention_bytes, (size_t)n, __ATOMIC_RELAXED);
                reply("ok retention %ld", n);
                return 0;
        }
        if (!strcmp(argv[0], "stats")) {
                reply("ok stats retention_bytes %zu appended_batches %llu dropped_batches %llu", __atomic_load_n(&retention_bytes, __ATOMIC_RELAXED),
                      __atomic_load_n(&appended_batches, __ATOMIC_RELAXED), __atomic_load_n(&dropped_batches, __ATOMIC_RELAXED));
                return 0;
        }
        reply("err unknown command %s (down, up, create, errors, rtt, leader, retention, stats, ping, quit)", argv[0]);
        return 0;
}

static void usage(void) {
        fprintf(stderr, "usage: dev-broker [--brokers N] [--retention-bytes B] [topic:partitions ...]\n");
}

int main(int argc, char **argv) {
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        sigset_t sigs;
        int sfd, i, first_topic = 1, quit = 0;
        static char buf[MAX_LINE];
        size_t len = 0;
        long v;

        while (first_topic < argc) {
                const char *a = argv[first_topic];
                if (!strcmp(a, "--brokers") || !strcmp(a, "-b")) {
                        if (first_topic + 1 >= argc || parse_int(argv[first_topic + 1], 1, 100, &v) != 0) {
                                usage();
                                return 2;
                        }
                        broker_cnt = (int)v;
                        first_topic += 2;
                } else if (!strcmp(a, "--retention-bytes")) {
                        if (first_topic + 1 >= argc || parse_int(argv[first_topic + 1], 0, LONG_MAX, &v) != 0) {
                                usage();
                                return 2;
                        }
                        retention_bytes = (size_t)v;
                        first_topic += 2;
                } else if (first_topic == 1 && parse_int(a, 1, 100, &v) == 0) {
                        broker_cnt = (int)v;
                        first_topic++;
                } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                        usage();
                        return 0;
                } else
                        break;
        }

        /* Signals are read through a signalfd beside stdin; blocking them first keeps them off librdkafka's threads. */
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGTERM);
        sigaddset(&sigs, SIGINT);
        sigaddset(&sigs, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &sigs, NULL) != 0 || (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0) {
                perror("dev-broker: signalfd");
                return 1;
        }
        signal(SIGPIPE, SIG_IGN);

        conf = rd_kafka_conf_new();
        /* This handle only hosts the cluster and never connects: keep its "no bootstrap.servers" notice quiet. */
        rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "dev-broker: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mc = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mc) {
                fprintf(stderr, "dev-broker: could not start the mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        for (i = first_topic; i < argc; i++) {
                char *colon = strrchr(argv[i], ':');
                int existed;
                rd_kafka_resp_err_t err;
                if (!colon || colon == argv[i] || parse_int(colon + 1, 1, 10000, &v) != 0) {
                        fprintf(stderr, "dev-broker: bad topic argument '%s' (want name:partitions)\n", argv[i]);
                        usage();
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return 2;
                }
                *colon = '\0';
                err = create_topic(argv[i], (int)v, &existed);
                if (err) {
                        fprintf(stderr, "dev-broker: create %s: %s\n", argv[i], rd_kafka_err2str(err));
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        if (first_topic < argc && probe_limits(argv[first_topic]) != 0) {
                fprintf(stderr, "dev-broker: cannot find the partition retention limits in this librdkafka (is it 2.x?)\n");
                rd_kafka_mock_cluster_destroy(mc);
                rd_kafka_destroy(rk);
                return 1;
        }

        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        while (!quit) {
                struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
                ssize_t r;
                char *nl;
                if (poll(fds, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("dev-broker: poll");
                        break;
                }
                if (fds[1].revents & POLLIN)
                        break; /* SIGTERM, SIGINT or SIGHUP */
                if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
                        continue;
                r = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
                if (r < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        break;
                }
                if (r == 0) {
                        /* EOF: a last command without a newline still counts. */
                        if (len > 0) {
                                buf[len] = '\0';
                                handle(buf);
                        }
                        break;
                }
                len += (size_t)r;
                buf[len] = '\0';
                while (!quit && (nl = memchr(buf, '\n', len)) != NULL) {
                        size_t used = (size_t)(nl - buf) + 1;
                        *nl = '\0';
                        quit = handle(buf);
                        memmove(buf, buf + used, len - used);
                        len -= used;
                        buf[len] = '\0';
                }
                if (len == sizeof(buf) - 1) {
                        reply("err line too long");
                        len = 0;
                }
        }

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        close(sfd);
        return 0;
}
