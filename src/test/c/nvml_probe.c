/*
 * nvml_probe: the driver's own cost of the NVML calls aiwatch makes, measured from C with no
 * language binding in between (issue #20: aiwatch's cycle against this floor, same machine, same
 * run), and NVML's own memory footprint.
 *
 *   nvml_probe [-l LIB] footprint
 *       VmRSS / RssAnon / RssFile after each step: start, dlopen, nvmlInit_v2, device handles,
 *       one round of every known call on every device, GPM sample buffers, 50 more rounds.
 *   nvml_probe [-l LIB] calls N
 *       every known call N times on device 0: median and p99 wall, median thread CPU, result.
 *   nvml_probe [-l LIB] cycle FILE CYCLES [INTERVAL_MS]
 *       FILE lists the calls of one aiwatch cycle per device, "COUNT KEY" a line (as written by
 *       io.aiwatch.bench.CycleFloor); each cycle makes them on every device in turn. Prints thread
 *       CPU and wall per cycle (p50, p99, mean) over CYCLES cycles, INTERVAL_MS apart (default 100).
 *
 * A KEY is a function name with its integer arguments after colons, and lists joined by '+':
 * nvmlDeviceGetClockInfo:1, nvmlDeviceGetFieldValues:82, nvmlGpmMetricsGet:1+2+3,
 * nvmlDeviceGetTotalEccErrors:0:1. The library is loaded with dlopen (default libnvidia-ml.so.1),
 * so the probe builds without NVIDIA's headers and runs against the real or the fake library.
 * It only reads: no clocks, limits, modes or resets.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvml_types.h"

#define MAX_DEVICES 64
#define MAX_KEYS 128

static void *lib;
static nvmlDevice_t devices[MAX_DEVICES];
static unsigned int device_count;
static nvmlEventSet_t event_set;
static nvmlGpmSample_t gpm_samples[MAX_DEVICES][2];
static int gpm_current[MAX_DEVICES];

static void *sym(const char *name) { return dlsym(lib, name); }

static long long nanos(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long status_kib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, n) == 0 && line[n] == ':') v = atol(line + n + 1);
    }
    if (f) fclose(f);
    return v;
}

static void footprint_line(const char *step) {
    printf("%-44s VmRSS %7ld KiB  RssAnon %7ld KiB  RssFile %7ld KiB\n", step, status_kib("VmRSS"),
           status_kib("RssAnon"), status_kib("RssFile"));
    fflush(stdout);
}

/* ---- one call, by key ------------------------------------------------------------------- */

typedef nvmlReturn_t (*fn_dev_u32)(nvmlDevice_t, unsigned int *);
typedef nvmlReturn_t (*fn_dev_int_u32)(nvmlDevice_t, int, unsigned int *);
typedef nvmlReturn_t (*fn_dev_u64)(nvmlDevice_t, unsigned long long *);

/** Splits "name:a:b+c" into the name and up to 16 integers (':' and '+' both separate). */
static int parse_key(const char *key, char *name, size_t cap, long *args, int max_args) {
    const char *colon = strchr(key, ':');
    size_t len = colon ? (size_t) (colon - key) : strlen(key);
    if (len >= cap) len = cap - 1;
    memcpy(name, key, len);
    name[len] = 0;
    int n = 0;
    for (const char *p = colon; p && *p && n < max_args;) {
        p++;
        args[n++] = strtol(p, (char **) &p, 10);
        if (*p != ':' && *p != '+') break;
    }
    return n;
}

/** Makes the call KEY on device D; returns its nvmlReturn_t, or -1 when the key or symbol is unknown. */
static int call_key(const char *key, unsigned int d) {
    char name[96];
    long a[16] = {0};
    int n = parse_key(key, name, sizeof name, a, 16);
    void *f = sym(name);
    if (f == NULL) return -1;
    nvmlDevice_t dev = devices[d];
    unsigned int u = 0, u2 = 0, u3 = 0, u4 = 0;
    unsigned long long ull = 0;
    if (!strcmp(name, "nvmlDeviceGetPowerUsage") || !strcmp(name, "nvmlDeviceGetPcieReplayCounter")
            || !strcmp(name, "nvmlDeviceGetEnforcedPowerLimit"))
        return ((fn_dev_u32) f)(dev, &u);
    if (!strcmp(name, "nvmlDeviceGetTemperature") || !strcmp(name, "nvmlDeviceGetClockInfo")
            || !strcmp(name, "nvmlDeviceGetPcieThroughput") || !strcmp(name, "nvmlDeviceGetTemperatureThreshold"))
        return ((fn_dev_int_u32) f)(dev, (int) a[0], &u);
    if (!strcmp(name, "nvmlDeviceGetTotalEnergyConsumption") || !strcmp(name, "nvmlDeviceGetCurrentClocksEventReasons")
            || !strcmp(name, "nvmlDeviceGetCurrentClocksThrottleReasons"))
        return ((fn_dev_u64) f)(dev, &ull);
    if (!strcmp(name, "nvmlDeviceGetUtilizationRates")) {
        nvmlUtilization_t util;
        return ((nvmlReturn_t (*)(nvmlDevice_t, nvmlUtilization_t *)) f)(dev, &util);
    }
    if (!strcmp(name, "nvmlDeviceGetEncoderUtilization") || !strcmp(name, "nvmlDeviceGetDecoderUtilization"))
        return ((nvmlReturn_t (*)(nvmlDevice_t, unsigned int *, unsigned int *)) f)(dev, &u, &u2);
    if (!strcmp(name, "nvmlDeviceGetViolationStatus")) {
        nvmlViolationTime_t t;
        return ((nvmlReturn_t (*)(nvmlDevice_t, int, nvmlViolationTime_t *)) f)(dev, (int) a[0], &t);
    }
    if (!strcmp(name, "nvmlDeviceGetMemoryInfo_v2")) {
        nvmlMemory_v2_t m;
        memset(&m, 0, sizeof m);
        m.version = nvmlMemory_v2;
        return ((nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_v2_t *)) f)(dev, &m);
    }
    if (!strcmp(name, "nvmlDeviceGetMemoryInfo")) {
        nvmlMemory_t m;
        return ((nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t *)) f)(dev, &m);
    }
    if (!strcmp(name, "nvmlDeviceGetTotalEccErrors"))
        return ((nvmlReturn_t (*)(nvmlDevice_t, int, int, unsigned long long *)) f)(dev, (int) a[0], (int) a[1], &ull);
    if (!strcmp(name, "nvmlDeviceGetRetiredPages")) {
        unsigned int count = 0;
        return ((nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int *, unsigned long long *)) f)(dev, (int) a[0], &count, NULL);
    }
    if (!strcmp(name, "nvmlDeviceGetRetiredPagesPendingStatus")) {
        int pending;
        return ((nvmlReturn_t (*)(nvmlDevice_t, int *)) f)(dev, &pending);
    }
    if (!strcmp(name, "nvmlDeviceGetRemappedRows"))
        return ((nvmlReturn_t (*)(nvmlDevice_t, unsigned int *, unsigned int *, unsigned int *, unsigned int *)) f)(
                dev, &u, &u2, &u3, &u4);
    if (!strcmp(name, "nvmlDeviceGetFieldValues")) {
        nvmlFieldValue_t v[16];
        memset(v, 0, sizeof v);
        for (int i = 0; i < n; i++) v[i].fieldId = (unsigned int) a[i];
        return ((nvmlReturn_t (*)(nvmlDevice_t, int, nvmlFieldValue_t *)) f)(dev, n, v);
    }
    if (!strcmp(name, "nvmlDeviceGetComputeRunningProcesses_v3") || !strcmp(name, "nvmlDeviceGetGraphicsRunningProcesses_v3")) {
        static nvmlProcessInfo_t infos[256];
        unsigned int count = 256;
        return ((nvmlReturn_t (*)(nvmlDevice_t, unsigned int *, nvmlProcessInfo_t *)) f)(dev, &count, infos);
    }
    if (!strcmp(name, "nvmlEventSetWait_v2")) {
        if (event_set == NULL) return -1;
        nvmlEventData_t data;
        nvmlReturn_t rc;
        while ((rc = ((nvmlReturn_t (*)(nvmlEventSet_t, nvmlEventData_t *, unsigned int)) f)(event_set, &data, 0)) == NVML_SUCCESS) {
        }
        return rc == 10 ? NVML_SUCCESS : rc; /* NVML_ERROR_TIMEOUT: nothing pending, as aiwatch's drain ends */
    }
    if (!strcmp(name, "nvmlGpmSampleGet")) {
        if (gpm_samples[d][0] == NULL) return -1;
        gpm_current[d] ^= 1;
        return ((nvmlReturn_t (*)(nvmlDevice_t, nvmlGpmSample_t)) f)(dev, gpm_samples[d][gpm_current[d]]);
    }
    if (!strcmp(name, "nvmlGpmMetricsGet")) {
        if (gpm_samples[d][0] == NULL) return -1;
        static nvmlGpmMetricsGet_t g;
        memset(&g, 0, sizeof g);
        g.version = NVML_GPM_METRICS_GET_VERSION;
        g.numMetrics = (unsigned int) n;
        g.sample1 = gpm_samples[d][gpm_current[d] ^ 1];
        g.sample2 = gpm_samples[d][gpm_current[d]];
        for (int i = 0; i < n; i++) g.metrics[i].metricId = (unsigned int) a[i];
        return ((nvmlReturn_t (*)(nvmlGpmMetricsGet_t *)) f)(&g);
    }
    return -1;
}

/* The calls aiwatch knows how to make, for `calls` and `footprint`. */
static const char *known_keys[] = {
    "nvmlDeviceGetTemperature:0", "nvmlDeviceGetPowerUsage", "nvmlDeviceGetClockInfo:1", "nvmlDeviceGetClockInfo:2",
    "nvmlDeviceGetUtilizationRates", "nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetMemoryInfo_v2",
    "nvmlDeviceGetFieldValues:82", "nvmlDeviceGetEncoderUtilization", "nvmlDeviceGetDecoderUtilization",
    "nvmlEventSetWait_v2", "nvmlDeviceGetTotalEnergyConsumption", "nvmlDeviceGetPcieReplayCounter",
    "nvmlDeviceGetViolationStatus:0", "nvmlDeviceGetTotalEccErrors:0:0", "nvmlDeviceGetRetiredPages:0",
    "nvmlDeviceGetRemappedRows", "nvmlDeviceGetFieldValues:138+139",
    "nvmlGpmSampleGet", "nvmlGpmMetricsGet:1+2+3+5+10+11+12+13+20+21+61+60",
    "nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v3",
};
#define KNOWN (sizeof known_keys / sizeof known_keys[0])

/* ---- setup ------------------------------------------------------------------------------ */

static void open_library(const char *path) {
    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "nvml_probe: cannot load %s: %s\n", path, dlerror());
        exit(2);
    }
}

static void init_nvml(void) {
    nvmlReturn_t (*init)(void) = (nvmlReturn_t (*)(void)) sym("nvmlInit_v2");
    nvmlReturn_t rc = init ? init() : -1;
    if (rc != NVML_SUCCESS) {
        fprintf(stderr, "nvml_probe: nvmlInit_v2 returned %d\n", rc);
        exit(2);
    }
}

static void open_devices(void) {
    ((nvmlReturn_t (*)(unsigned int *)) sym("nvmlDeviceGetCount_v2"))(&device_count);
    if (device_count > MAX_DEVICES) device_count = MAX_DEVICES;
    for (unsigned int i = 0; i < device_count; i++) {
        ((nvmlReturn_t (*)(unsigned int, nvmlDevice_t *)) sym("nvmlDeviceGetHandleByIndex_v2"))(i, &devices[i]);
    }
}

/** The XID event set and GPM sample buffers aiwatch keeps open (where the driver has them). */
static void open_event_set_and_gpm(void) {
    void *create = sym("nvmlEventSetCreate"), *reg = sym("nvmlDeviceRegisterEvents");
    if (create && reg && ((nvmlReturn_t (*)(nvmlEventSet_t *)) create)(&event_set) == NVML_SUCCESS) {
        for (unsigned int i = 0; i < device_count; i++) {
            ((nvmlReturn_t (*)(nvmlDevice_t, unsigned long long, nvmlEventSet_t)) reg)(devices[i], 0x8ULL, event_set);
        }
    }
    void *support = sym("nvmlGpmQueryDeviceSupport"), *alloc = sym("nvmlGpmSampleAlloc");
    for (unsigned int i = 0; support && alloc && i < device_count; i++) {
        nvmlGpmSupport_t s = {NVML_GPM_SUPPORT_VERSION, 0};
        if (((nvmlReturn_t (*)(nvmlDevice_t, nvmlGpmSupport_t *)) support)(devices[i], &s) == NVML_SUCCESS && s.isSupportedDevice) {
            ((nvmlReturn_t (*)(nvmlGpmSample_t *)) alloc)(&gpm_samples[i][0]);
            ((nvmlReturn_t (*)(nvmlGpmSample_t *)) alloc)(&gpm_samples[i][1]);
            void *get = sym("nvmlGpmSampleGet");
            if (get) ((nvmlReturn_t (*)(nvmlDevice_t, nvmlGpmSample_t)) get)(devices[i], gpm_samples[i][0]);
        }
    }
}

static int compare_ll(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

static long long quantile(long long *v, int n, double q) {
    qsort(v, (size_t) n, sizeof *v, compare_ll);
    int i = (int) (q * n + 0.999999) - 1;
    return v[i < 0 ? 0 : (i >= n ? n - 1 : i)];
}

/* ---- modes ------------------------------------------------------------------------------ */

static int footprint(void) {
    for (unsigned int d = 0; d < device_count; d++) {
        for (unsigned int k = 0; k < KNOWN; k++) call_key(known_keys[k], d);
    }
    footprint_line("after one round of every call on every GPU");
    for (int r = 0; r < 50; r++) {
        for (unsigned int d = 0; d < device_count; d++) {
            for (unsigned int k = 0; k < KNOWN; k++) call_key(known_keys[k], d);
        }
    }
    footprint_line("after 50 more rounds");
    return 0;
}

static int calls(int n) {
    long long *wall = malloc(sizeof(long long) * (size_t) n), *cpu = malloc(sizeof(long long) * (size_t) n);
    printf("%-52s %10s %10s %10s  %s\n", "call (device 0)", "p50 us", "p99 us", "cpu p50 us", "result");
    for (unsigned int k = 0; k < KNOWN; k++) {
        int rc = call_key(known_keys[k], 0); /* warm */
        if (rc == -1) {
            printf("%-52s %10s %10s %10s  %s\n", known_keys[k], "-", "-", "-", "not exported");
            continue;
        }
        for (int i = 0; i < n; i++) {
            long long w0 = nanos(CLOCK_MONOTONIC), c0 = nanos(CLOCK_THREAD_CPUTIME_ID);
            rc = call_key(known_keys[k], 0);
            cpu[i] = nanos(CLOCK_THREAD_CPUTIME_ID) - c0;
            wall[i] = nanos(CLOCK_MONOTONIC) - w0;
        }
        printf("%-52s %10.2f %10.2f %10.2f  %d\n", known_keys[k], quantile(wall, n, 0.5) / 1e3,
               quantile(wall, n, 0.99) / 1e3, quantile(cpu, n, 0.5) / 1e3, rc);
    }
    free(wall);
    free(cpu);
    return 0;
}

static int cycle(const char *file, int cycles, int interval_ms) {
    char keys[MAX_KEYS][256];
    int counts[MAX_KEYS], nkeys = 0;
    FILE *f = fopen(file, "r");
    if (f == NULL) {
        perror(file);
        return 2;
    }
    char line[300];
    while (nkeys < MAX_KEYS && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        if (sscanf(line, "%d %255s", &counts[nkeys], keys[nkeys]) == 2) nkeys++;
    }
    fclose(f);
    int unknown = 0;
    for (int k = 0; k < nkeys; k++) {
        if (call_key(keys[k], 0) == -1) {
            fprintf(stderr, "nvml_probe: cannot make %s here\n", keys[k]);
            unknown++;
        }
    }
    long long *wall = malloc(sizeof(long long) * (size_t) cycles), *cpu = malloc(sizeof(long long) * (size_t) cycles);
    long long cpu_sum = 0, wall_sum = 0;
    int calls_per_cycle = 0;
    for (int k = 0; k < nkeys; k++) calls_per_cycle += counts[k];
    for (int c = 0; c < cycles; c++) {
        long long w0 = nanos(CLOCK_MONOTONIC), c0 = nanos(CLOCK_THREAD_CPUTIME_ID);
        for (unsigned int d = 0; d < device_count; d++) {
            for (int k = 0; k < nkeys; k++) {
                for (int i = 0; i < counts[k]; i++) call_key(keys[k], d);
            }
        }
        cpu[c] = nanos(CLOCK_THREAD_CPUTIME_ID) - c0;
        wall[c] = nanos(CLOCK_MONOTONIC) - w0;
        cpu_sum += cpu[c];
        wall_sum += wall[c];
        if (interval_ms > 0) {
            struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    printf("file=%s devices=%u calls_per_device=%d cycles=%d unknown_calls=%d\n", file, device_count,
           calls_per_cycle, cycles, unknown);
    printf("cpu_us_per_cycle mean=%.1f p50=%.1f p99=%.1f\n", cpu_sum / 1e3 / cycles, quantile(cpu, cycles, 0.5) / 1e3,
           quantile(cpu, cycles, 0.99) / 1e3);
    printf("wall_us_per_cycle mean=%.1f p50=%.1f p99=%.1f\n", wall_sum / 1e3 / cycles,
           quantile(wall, cycles, 0.5) / 1e3, quantile(wall, cycles, 0.99) / 1e3);
    free(wall);
    free(cpu);
    return unknown > 0 ? 3 : 0;
}

int main(int argc, char **argv) {
    const char *path = "libnvidia-ml.so.1";
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "-l") == 0) {
        path = argv[a + 1];
        a += 2;
    }
    if (a >= argc) {
        fprintf(stderr, "usage: nvml_probe [-l LIB] footprint | calls N | cycle FILE CYCLES [INTERVAL_MS]\n");
        return 2;
    }
    const char *mode = argv[a];
    int fp = strcmp(mode, "footprint") == 0;
    if (fp) footprint_line("start");
    open_library(path);
    if (fp) footprint_line("dlopen");
    init_nvml();
    if (fp) footprint_line("nvmlInit_v2");
    open_devices();
    if (fp) footprint_line("device handles");
    open_event_set_and_gpm();
    if (fp) footprint_line("XID event set, GPM sample buffers");
    int rc;
    if (fp) rc = footprint();
    else if (strcmp(mode, "calls") == 0 && a + 1 < argc) rc = calls(atoi(argv[a + 1]));
    else if (strcmp(mode, "cycle") == 0 && a + 2 < argc) rc = cycle(argv[a + 1], atoi(argv[a + 2]), a + 3 < argc ? atoi(argv[a + 3]) : 100);
    else {
        fprintf(stderr, "usage: nvml_probe [-l LIB] footprint | calls N | cycle FILE CYCLES [INTERVAL_MS]\n");
        rc = 2;
    }
    nvmlReturn_t (*shutdown)(void) = (nvmlReturn_t (*)(void)) sym("nvmlShutdown");
    if (shutdown) shutdown();
    if (fp) footprint_line("nvmlShutdown");
    return rc;
}
