/*
 * A fake libnvidia-ml.so.1 for testing the aiwatch NVML binding without a GPU.
 *
 * The struct declarations below are copied field for field from NVIDIA's nvml.h (NVML API
 * version 12, as vendored in NVIDIA/go-nvml gen/nvml/nvml.h, commit 075f45fd; see
 * docs/NVML.md). The layout probe fake_layout() reports their sizes and offsets so the Java
 * tests can compare them with the JNA structures.
 *
 * Values are configured per device by name (fake_set_value / fake_set_string); a name that is
 * not set makes the matching NVML call return NVML_ERROR_NOT_SUPPORTED. Errors and hangs are
 * injected per function name and device (fake_fail / fake_hang).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- types copied from nvml.h ---------------------------------------------------------- */

typedef int nvmlReturn_t;
typedef unsigned int nvmlValueType_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlEventSet_st *nvmlEventSet_t;
typedef struct nvmlGpmSample_st *nvmlGpmSample_t;
typedef struct nvmlGpuInstance_st *nvmlGpuInstance_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_TIMEOUT 10
#define NVML_ERROR_ARGUMENT_VERSION_MISMATCH 25

#define NVML_VALUE_TYPE_DOUBLE 0
#define NVML_VALUE_TYPE_UNSIGNED_INT 1
#define NVML_VALUE_TYPE_UNSIGNED_LONG_LONG 3

#define nvmlEventTypeXidCriticalError 0x0000000000000008LL

typedef struct nvmlPciInfo_st {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

typedef struct nvmlUtilization_st {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct nvmlMemory_st {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlMemory_v2_st {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

#define nvmlMemory_v2 (unsigned int)(sizeof(nvmlMemory_v2_t) | (2 << 24U))

/* MIG (nvml.h, NVML API 12) */
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_GPU_INSTANCE_PROFILE_COUNT 0x12
typedef struct nvmlGpuInstancePlacement_st {
    unsigned int start;
    unsigned int size;
} nvmlGpuInstancePlacement_t;

typedef struct nvmlGpuInstanceInfo_st {
    nvmlDevice_t device;
    unsigned int id;
    unsigned int profileId;
    nvmlGpuInstancePlacement_t placement;
} nvmlGpuInstanceInfo_t;

typedef struct nvmlGpuInstanceProfileInfo_v2_st {
    unsigned int version;
    unsigned int id;
    unsigned int isP2pSupported;
    unsigned int sliceCount;
    unsigned int instanceCount;
    unsigned int multiprocessorCount;
    unsigned int copyEngineCount;
    unsigned int decoderCount;
    unsigned int encoderCount;
    unsigned int jpegCount;
    unsigned int ofaCount;
    unsigned long long memorySizeMB;
    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
} nvmlGpuInstanceProfileInfo_v2_t;
#define nvmlGpuInstanceProfileInfo_v2 (unsigned int)(sizeof(nvmlGpuInstanceProfileInfo_v2_t) | (2 << 24U))

typedef struct nvmlProcessInfo_v2_st {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_v2_t, nvmlProcessInfo_t;

typedef struct nvmlViolationTime_st {
    unsigned long long referenceTime;
    unsigned long long violationTime;
} nvmlViolationTime_t;

typedef union nvmlValue_st {
    double dVal;
    int siVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
} nvmlValue_t;

typedef struct nvmlFieldValue_st {
    unsigned int fieldId;
    unsigned int scopeId;
    long long timestamp;
    long long latencyUsec;
    nvmlValueType_t valueType;
    nvmlReturn_t nvmlReturn;
    nvmlValue_t value;
} nvmlFieldValue_t;

typedef struct nvmlEventData_st {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;

#define NVML_GPM_METRIC_MAX 98

typedef struct {
    unsigned int metricId;
    nvmlReturn_t nvmlReturn;
    double value;
    struct {
        char *shortName;
        char *longName;
        char *unit;
    } metricInfo;
} nvmlGpmMetric_t;

typedef struct {
    unsigned int version;
    unsigned int numMetrics;
    nvmlGpmSample_t sample1;
    nvmlGpmSample_t sample2;
    nvmlGpmMetric_t metrics[NVML_GPM_METRIC_MAX];
} nvmlGpmMetricsGet_t;

#define NVML_GPM_METRICS_GET_VERSION 1

typedef struct {
    unsigned int version;
    unsigned int isSupportedDevice;
} nvmlGpmSupport_t;

#define NVML_GPM_SUPPORT_VERSION 1

/* ---- layout probe ---------------------------------------------------------------------- */

#define LAYOUT(T, F) if (strcmp(type, #T) == 0 && field != NULL && strcmp(field, #F) == 0) return (long long) offsetof(T, F);
#define SIZE(T) if (strcmp(type, #T) == 0 && field == NULL) return (long long) sizeof(T);

/** sizeof(type) when field is NULL, else offsetof(type, field); -1 when unknown. */
long long fake_layout(const char *type, const char *field) {
    SIZE(nvmlPciInfo_t) LAYOUT(nvmlPciInfo_t, busIdLegacy) LAYOUT(nvmlPciInfo_t, domain)
    LAYOUT(nvmlPciInfo_t, bus) LAYOUT(nvmlPciInfo_t, device) LAYOUT(nvmlPciInfo_t, pciDeviceId)
    LAYOUT(nvmlPciInfo_t, pciSubSystemId) LAYOUT(nvmlPciInfo_t, busId)
    SIZE(nvmlUtilization_t) LAYOUT(nvmlUtilization_t, gpu) LAYOUT(nvmlUtilization_t, memory)
    SIZE(nvmlMemory_t) LAYOUT(nvmlMemory_t, total) LAYOUT(nvmlMemory_t, free) LAYOUT(nvmlMemory_t, used)
    SIZE(nvmlMemory_v2_t) LAYOUT(nvmlMemory_v2_t, version) LAYOUT(nvmlMemory_v2_t, total)
    LAYOUT(nvmlMemory_v2_t, reserved) LAYOUT(nvmlMemory_v2_t, free) LAYOUT(nvmlMemory_v2_t, used)
    SIZE(nvmlProcessInfo_t) LAYOUT(nvmlProcessInfo_t, pid) LAYOUT(nvmlProcessInfo_t, usedGpuMemory)
    LAYOUT(nvmlProcessInfo_t, gpuInstanceId) LAYOUT(nvmlProcessInfo_t, computeInstanceId)
    SIZE(nvmlViolationTime_t) LAYOUT(nvmlViolationTime_t, referenceTime) LAYOUT(nvmlViolationTime_t, violationTime)
    SIZE(nvmlFieldValue_t) LAYOUT(nvmlFieldValue_t, fieldId) LAYOUT(nvmlFieldValue_t, scopeId)
    LAYOUT(nvmlFieldValue_t, timestamp) LAYOUT(nvmlFieldValue_t, latencyUsec)
    LAYOUT(nvmlFieldValue_t, valueType) LAYOUT(nvmlFieldValue_t, nvmlReturn) LAYOUT(nvmlFieldValue_t, value)
    SIZE(nvmlEventData_t) LAYOUT(nvmlEventData_t, device) LAYOUT(nvmlEventData_t, eventType)
    LAYOUT(nvmlEventData_t, eventData) LAYOUT(nvmlEventData_t, gpuInstanceId) LAYOUT(nvmlEventData_t, computeInstanceId)
    SIZE(nvmlGpmMetric_t) LAYOUT(nvmlGpmMetric_t, metricId) LAYOUT(nvmlGpmMetric_t, nvmlReturn)
    LAYOUT(nvmlGpmMetric_t, value) LAYOUT(nvmlGpmMetric_t, metricInfo)
    SIZE(nvmlGpmMetricsGet_t) LAYOUT(nvmlGpmMetricsGet_t, version) LAYOUT(nvmlGpmMetricsGet_t, numMetrics)
    LAYOUT(nvmlGpmMetricsGet_t, sample1) LAYOUT(nvmlGpmMetricsGet_t, sample2) LAYOUT(nvmlGpmMetricsGet_t, metrics)
    SIZE(nvmlGpmSupport_t) LAYOUT(nvmlGpmSupport_t, version) LAYOUT(nvmlGpmSupport_t, isSupportedDevice)
    SIZE(nvmlGpuInstanceInfo_t) LAYOUT(nvmlGpuInstanceInfo_t, device) LAYOUT(nvmlGpuInstanceInfo_t, id)
    LAYOUT(nvmlGpuInstanceInfo_t, profileId) LAYOUT(nvmlGpuInstanceInfo_t, placement)
    SIZE(nvmlGpuInstanceProfileInfo_v2_t) LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, version)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, id) LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, isP2pSupported)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, sliceCount) LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, instanceCount)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, multiprocessorCount) LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, copyEngineCount)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, decoderCount) LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, encoderCount)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, jpegCount)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, ofaCount) LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, memorySizeMB)
    LAYOUT(nvmlGpuInstanceProfileInfo_v2_t, name)
    return -1;
}

/* ---- configurable state ---------------------------------------------------------------- */

#define MAX_DEV 8
#define MAX_VALUES 160
#define MAX_RULES 32
#define MAX_EVENTS 256
#define MAX_PROCS 64

struct nvmlDevice_st { int index; };
struct nvmlEventSet_st { unsigned long long registered[MAX_DEV]; };
struct nvmlGpmSample_st { int device; unsigned long long seq; double values[NVML_GPM_METRIC_MAX]; };

typedef struct { char name[48]; double num; char str[96]; int set; } entry_t;
typedef struct { char function[64]; int device; int rc; int times; int millis; } rule_t;
typedef struct { char function[64]; int count; } counter_t;
typedef struct { int device; unsigned long long xid; } event_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct nvmlDevice_st devices[MAX_DEV];
static int device_count;
static entry_t values[MAX_DEV + 1][MAX_VALUES]; /* row MAX_DEV holds system-wide values */
static rule_t fails[MAX_RULES];
static rule_t hangs[MAX_RULES];
static event_t events[MAX_EVENTS];
static int event_count;
static int init_result;
static int init_depth;
static unsigned long long gpm_seq;
static nvmlProcessInfo_t procs[MAX_DEV][2][MAX_PROCS];
static int proc_count[MAX_DEV][2];
static counter_t counters[96];

/* MIG: per GPU up to MAX_MIG MIG devices (compute instances), each in a GPU instance. */
#define MAX_MIG 8
typedef struct {
    int used;
    unsigned int gi, ci, profile_id;
    char uuid[96];
    unsigned long long total, free, used_bytes;
} mig_t;
struct nvmlGpuInstance_st { int dev; unsigned int id; };
static mig_t migs[MAX_DEV][MAX_MIG];
static struct nvmlDevice_st mig_handles[MAX_DEV][MAX_MIG];
static struct nvmlGpuInstance_st gi_handles[MAX_DEV][MAX_MIG];

static entry_t *find(int dev, const char *name, int create) {
    entry_t *row = values[dev < 0 ? MAX_DEV : dev];
    for (int i = 0; i < MAX_VALUES; i++) {
        if (row[i].name[0] != 0 && strcmp(row[i].name, name) == 0) return &row[i];
    }
    if (!create) return NULL;
    for (int i = 0; i < MAX_VALUES; i++) {
        if (row[i].name[0] == 0) {
            snprintf(row[i].name, sizeof row[i].name, "%s", name);
            return &row[i];
        }
    }
    return NULL;
}

void fake_set_value(int dev, const char *name, double v) {
    pthread_mutex_lock(&lock);
    int from = dev < 0 ? 0 : dev, to = dev < 0 ? MAX_DEV - 1 : dev;
    for (int d = from; d <= to; d++) {
        entry_t *e = find(d, name, 1);
        if (e) { e->num = v; e->set = 1; }
    }
    pthread_mutex_unlock(&lock);
}

/** Strings: dev -1 addresses the system row (driver_version, nvml_version). */
void fake_set_string(int dev, const char *name, const char *v) {
    pthread_mutex_lock(&lock);
    entry_t *e = find(dev, name, 1);
    if (e) { snprintf(e->str, sizeof e->str, "%s", v); e->set = 1; }
    pthread_mutex_unlock(&lock);
}

/** Makes the calls behind a name return NVML_ERROR_NOT_SUPPORTED on one device (-1: all). */
void fake_unset(int dev, const char *name) {
    pthread_mutex_lock(&lock);
    int from = dev < 0 ? 0 : dev, to = dev < 0 ? MAX_DEV - 1 : dev;
    for (int d = from; d <= to; d++) {
        entry_t *e = find(d, name, 0);
        if (e) e->set = 0;
    }
    pthread_mutex_unlock(&lock);
}

static int get_num(int dev, const char *name, double *out) {
    pthread_mutex_lock(&lock);
    entry_t *e = find(dev, name, 0);
    int ok = e != NULL && e->set;
    if (ok) *out = e->num;
    pthread_mutex_unlock(&lock);
    return ok;
}

static nvmlReturn_t get_str(int dev, const char *name, char *buf, unsigned int len) {
    pthread_mutex_lock(&lock);
    entry_t *e = find(dev, name, 0);
    nvmlReturn_t rc = NVML_SUCCESS;
    if (e == NULL || !e->set) rc = NVML_ERROR_NOT_SUPPORTED;
    else if (buf == NULL) rc = NVML_ERROR_INVALID_ARGUMENT;
    else if (strlen(e->str) + 1 > len) rc = NVML_ERROR_INSUFFICIENT_SIZE;
    else memcpy(buf, e->str, strlen(e->str) + 1);
    pthread_mutex_unlock(&lock);
    return rc;
}

void fake_set_device_count(int n) { device_count = n < 0 ? 0 : (n > MAX_DEV ? MAX_DEV : n); }
void fake_set_init_result(int rc) { init_result = rc; }
int fake_init_depth(void) { return init_depth; }
/** How many times `function` was entered since the last reset (counted before any injected hang). */
int fake_calls(const char *function) {
    int n = 0;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        if (strcmp(counters[i].function, function) == 0) n = counters[i].count;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

static void count_call(const char *function) { /* caller holds lock */
    for (unsigned i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        if (counters[i].function[0] == 0) snprintf(counters[i].function, sizeof counters[i].function, "%s", function);
        if (strcmp(counters[i].function, function) == 0) { counters[i].count++; return; }
    }
}

static void add_rule(rule_t *table, const char *function, int device, int rc, int times, int millis) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_RULES; i++) {
        if (table[i].function[0] == 0) {
            snprintf(table[i].function, sizeof table[i].function, "%s", function);
            table[i].device = device;
            table[i].rc = rc;
            table[i].times = times;
            table[i].millis = millis;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

/** The next `times` calls (-1: all) of `function` on `device` (-1: any) return `rc`. */
void fake_fail(const char *function, int device, int rc, int times) { add_rule(fails, function, device, rc, times, 0); }

/** Every call of `function` on `device` (-1: any) sleeps `millis` before answering. */
void fake_hang(const char *function, int device, int millis) { add_rule(hangs, function, device, 0, -1, millis); }

void fake_push_xid(int device, unsigned long long xid) {
    pthread_mutex_lock(&lock);
    if (event_count < MAX_EVENTS) {
        events[event_count].device = device;
        events[event_count].xid = xid;
        event_count++;
    }
    pthread_mutex_unlock(&lock);
}

/** type 0: compute, 1: graphics. used < 0 stores NVML_VALUE_NOT_AVAILABLE. */
void fake_set_processes(int dev, int type, int count, const unsigned int *pids, const long long *used) {
    pthread_mutex_lock(&lock);
    if (count > MAX_PROCS) count = MAX_PROCS;
    for (int i = 0; i < count; i++) {
        procs[dev][type][i].pid = pids[i];
        procs[dev][type][i].usedGpuMemory = used[i] < 0 ? (unsigned long long) -1LL : (unsigned long long) used[i];
        procs[dev][type][i].gpuInstanceId = 0xFFFFFFFFu;
        procs[dev][type][i].computeInstanceId = 0xFFFFFFFFu;
    }
    proc_count[dev][type] = count;
    pthread_mutex_unlock(&lock);
}

/** Adds MIG device {@code slot} of GPU {@code dev} (and turns MIG mode on): GPU instance gi, compute instance ci. */
void fake_add_mig(int dev, int slot, unsigned int gi, unsigned int ci, unsigned int profile_id, const char *uuid,
                  double total, double used) {
    if (dev < 0 || dev >= MAX_DEV || slot < 0 || slot >= MAX_MIG) return;
    pthread_mutex_lock(&lock);
    mig_t *m = &migs[dev][slot];
    m->used = 1; m->gi = gi; m->ci = ci; m->profile_id = profile_id;
    snprintf(m->uuid, sizeof m->uuid, "%s", uuid);
    m->total = (unsigned long long) total; m->used_bytes = (unsigned long long) used;
    m->free = m->total - m->used_bytes;
    pthread_mutex_unlock(&lock);
    fake_set_value(dev, "mig_mode", 1);
}

void fake_reset(void) {
    pthread_mutex_lock(&lock);
    memset(migs, 0, sizeof migs);
    memset(values, 0, sizeof values);
    memset(fails, 0, sizeof fails);
    memset(hangs, 0, sizeof hangs);
    memset(proc_count, 0, sizeof proc_count);
    event_count = 0;
    init_result = NVML_SUCCESS;
    memset(counters, 0, sizeof counters);
    for (int i = 0; i < MAX_DEV; i++) devices[i].index = i;
    pthread_mutex_unlock(&lock);
    device_count = 2;
    fake_set_string(-1, "driver_version", "580.82.07");
    fake_set_string(-1, "nvml_version", "13.580.82.07");
    for (int d = 0; d < MAX_DEV; d++) {
        char buf[96];
        snprintf(buf, sizeof buf, "GPU-00000000-0000-0000-0000-00000000000%d", d);
        fake_set_string(d, "uuid", buf);
        snprintf(buf, sizeof buf, "00000000:%02X:00.0", 0x18 + d);
        fake_set_string(d, "bus_id", buf);
        snprintf(buf, sizeof buf, "0000:%02X:00.0", 0x18 + d);
        fake_set_string(d, "bus_id_legacy", buf);
        fake_set_string(d, "name", "NVIDIA H100 80GB HBM3");
        snprintf(buf, sizeof buf, "165232400000%d", d);
        fake_set_string(d, "serial", buf);
        fake_set_string(d, "vbios", "96.00.99.00.01");
        fake_set_string(d, "inforom.0", "G520.0200.00.05");
        fake_set_string(d, "inforom.1", "7.16");
        fake_set_string(d, "inforom.2", "N/A");
        fake_set_string(d, "inforom_image", "G520.0200.00.05");
    }
    static const char *names[] = {
        "minor", "brand", "clock.1", "clock.2", "temp", "power_mw", "energy_mj", "pcie_replay",
        "util_gpu", "util_mem", "enc_util", "dec_util", "violation.0", "violation.1", "violation.2",
        "violation.3", "violation.4", "violation.5", "fb_total", "fb_reserved", "fb_free", "fb_used",
        "ecc.0.0", "ecc.1.0", "ecc.0.1", "ecc.1.1", "retired.0", "retired.1", "retired_pending",
        "remap_corr", "remap_unc", "remap_pending", "remap_failure", "fi.82", "fi.38", "fi.45",
        "fi.52", "fi.59", "fi.138", "fi.139", "power_limit_mw", "threshold.0", "threshold.1",
        "threshold.2", "clock_reasons", "pcie.0", "pcie.1", "gpm_supported", "xid_supported"
    };
    static const double defaults[] = {
        0, 14, 1980, 2619, 41, 68951, 123456789, 0,
        37, 12, 0, 0, 1000, 2000, 0,
        0, 5000, 0, 85520809984.0, 567279616.0, 84947910656.0, 5619712.0,
        1, 0, 3, 0, 0, 0, 0,
        0, 0, 0, 0, 35, 0, 0,
        0, 0, 1024, 2048, 700000, 92, 89,
        95, 1, 300, 400, 1, 1
    };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (int d = 0; d < MAX_DEV; d++) {
            double v = defaults[i];
            if (strcmp(names[i], "minor") == 0) v = d;
            fake_set_value(d, names[i], v);
        }
    }
    for (int d = 0; d < MAX_DEV; d++) {
        char name[32];
        for (int m = 1; m < NVML_GPM_METRIC_MAX; m++) {
            snprintf(name, sizeof name, "gpm.%d", m);
            fake_set_value(d, name, m); /* metric m reads m percent (or MiB/s) by default */
        }
    }
}

__attribute__((constructor)) static void fake_load(void) { fake_reset(); }

/* ---- injection ------------------------------------------------------------------------- */

static void sleep_millis(int millis) {
    struct timespec ts = { millis / 1000, (millis % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) { }
}

static nvmlReturn_t inject(const char *function, int device) {
    int hang = 0;
    nvmlReturn_t rc = NVML_SUCCESS;
    pthread_mutex_lock(&lock);
    count_call(function);
    for (int i = 0; i < MAX_RULES; i++) {
        rule_t *r = &hangs[i];
        if (r->function[0] && strcmp(r->function, function) == 0 && (r->device < 0 || r->device == device)) hang = r->millis;
    }
    for (int i = 0; i < MAX_RULES && rc == NVML_SUCCESS; i++) {
        rule_t *r = &fails[i];
        if (r->function[0] && r->times != 0 && strcmp(r->function, function) == 0
                && (r->device < 0 || r->device == device)) {
            rc = r->rc;
            if (r->times > 0) r->times--;
        }
    }
    pthread_mutex_unlock(&lock);
    if (hang > 0) sleep_millis(hang);
    return rc;
}

static int dev_index(nvmlDevice_t d) {
    if (d == NULL || d < devices || d >= devices + device_count) return -1;
    return (int) (d - devices);
}

/** The MIG device behind a handle, or NULL when it is a whole GPU (or garbage). */
static mig_t *mig_of(nvmlDevice_t d) {
    if (d == NULL || d < &mig_handles[0][0] || d >= &mig_handles[0][0] + MAX_DEV * MAX_MIG) return NULL;
    long n = d - &mig_handles[0][0];
    mig_t *m = &migs[n / MAX_MIG][n % MAX_MIG];
    return m->used ? m : NULL;
}

#define ENTER(fn, dev) \
    int idx = dev_index(dev); \
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED; \
    if (idx < 0) return NVML_ERROR_INVALID_ARGUMENT; \
    { nvmlReturn_t injected = inject(fn, idx); if (injected != NVML_SUCCESS) return injected; }

#define NUM(name, var) double var; if (!get_num(idx, name, &var)) return NVML_ERROR_NOT_SUPPORTED;

/* ---- NVML entry points ----------------------------------------------------------------- */

nvmlReturn_t nvmlInit_v2(void) {
    nvmlReturn_t rc = inject("nvmlInit_v2", -1);
    if (rc == NVML_SUCCESS) rc = init_result;
    if (rc == NVML_SUCCESS) init_depth++;
    return rc;
}

nvmlReturn_t nvmlShutdown(void) {
    inject("nvmlShutdown", -1);
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    init_depth--;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t rc) {
    switch (rc) {
        case 0: return "Success";
        case 1: return "Uninitialized";
        case 2: return "Invalid Argument";
        case 3: return "Not Supported";
        case 7: return "Insufficient Size";
        case 9: return "Driver Not Loaded";
        case 10: return "Timeout";
        case 15: return "GPU is lost";
        case 21: return "No data";
        case 999: return "Unknown Error";
        default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int len) {
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = inject("nvmlSystemGetDriverVersion", -1);
    return rc != NVML_SUCCESS ? rc : get_str(-1, "driver_version", v, len);
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *v, unsigned int len) {
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = inject("nvmlSystemGetNVMLVersion", -1);
    return rc != NVML_SUCCESS ? rc : get_str(-1, "nvml_version", v, len);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = inject("nvmlDeviceGetCount_v2", -1);
    if (rc != NVML_SUCCESS) return rc;
    *count = (unsigned int) device_count;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    if (index >= (unsigned int) device_count) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = inject("nvmlDeviceGetHandleByIndex_v2", (int) index);
    if (rc != NVML_SUCCESS) return rc;
    *device = &devices[index];
    return NVML_SUCCESS;
}

#define STRING_GETTER(fn, name) \
    nvmlReturn_t fn(nvmlDevice_t dev, char *buf, unsigned int len) { ENTER(#fn, dev) return get_str(idx, name, buf, len); }

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t dev, char *buf, unsigned int len) {
    mig_t *m = mig_of(dev);
    if (m != NULL) {
        if (strlen(m->uuid) + 1 > len) return NVML_ERROR_INSUFFICIENT_SIZE;
        strcpy(buf, m->uuid);
        return NVML_SUCCESS;
    }
    ENTER("nvmlDeviceGetUUID", dev) return get_str(idx, "uuid", buf, len);
}
STRING_GETTER(nvmlDeviceGetName, "name")
STRING_GETTER(nvmlDeviceGetSerial, "serial")
STRING_GETTER(nvmlDeviceGetVbiosVersion, "vbios")
STRING_GETTER(nvmlDeviceGetInforomImageVersion, "inforom_image")

nvmlReturn_t nvmlDeviceGetInforomVersion(nvmlDevice_t dev, int object, char *buf, unsigned int len) {
    ENTER("nvmlDeviceGetInforomVersion", dev)
    char name[32];
    snprintf(name, sizeof name, "inforom.%d", object);
    return get_str(idx, name, buf, len);
}

#define UINT_GETTER(fn, name) \
    nvmlReturn_t fn(nvmlDevice_t dev, unsigned int *out) { ENTER(#fn, dev) NUM(name, v) *out = (unsigned int) v; return NVML_SUCCESS; }

UINT_GETTER(nvmlDeviceGetMinorNumber, "minor")
UINT_GETTER(nvmlDeviceGetPowerUsage, "power_mw")
UINT_GETTER(nvmlDeviceGetPcieReplayCounter, "pcie_replay")
UINT_GETTER(nvmlDeviceGetEnforcedPowerLimit, "power_limit_mw")

nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t dev, int *brand) {
    ENTER("nvmlDeviceGetBrand", dev) NUM("brand", v) *brand = (int) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t dev, nvmlPciInfo_t *pci) {
    ENTER("nvmlDeviceGetPciInfo_v3", dev)
    memset(pci, 0, sizeof *pci);
    nvmlReturn_t rc = get_str(idx, "bus_id", pci->busId, sizeof pci->busId);
    if (rc == NVML_SUCCESS) rc = get_str(idx, "bus_id_legacy", pci->busIdLegacy, sizeof pci->busIdLegacy);
    pci->bus = 0x18 + idx;
    pci->pciDeviceId = 0x233010DE;
    return rc;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t dev, int type, unsigned int *out) {
    ENTER("nvmlDeviceGetClockInfo", dev)
    char name[32];
    snprintf(name, sizeof name, "clock.%d", type);
    NUM(name, v) *out = (unsigned int) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t dev, int sensor, unsigned int *out) {
    ENTER("nvmlDeviceGetTemperature", dev)
    if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
    NUM("temp", v) *out = (unsigned int) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t dev, int type, unsigned int *out) {
    ENTER("nvmlDeviceGetTemperatureThreshold", dev)
    char name[32];
    snprintf(name, sizeof name, "threshold.%d", type);
    NUM(name, v) *out = (unsigned int) v; return NVML_SUCCESS;
}

/** Each call adds "energy_step_mj" (default 0) to the counter, like a GPU drawing power. */
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t dev, unsigned long long *out) {
    ENTER("nvmlDeviceGetTotalEnergyConsumption", dev) NUM("energy_mj", v)
    double step = 0;
    if (get_num(idx, "energy_step_mj", &step) && step != 0) fake_set_value(idx, "energy_mj", v + step);
    *out = (unsigned long long) v;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t dev, nvmlUtilization_t *u) {
    ENTER("nvmlDeviceGetUtilizationRates", dev) NUM("util_gpu", g) NUM("util_mem", m)
    u->gpu = (unsigned int) g; u->memory = (unsigned int) m; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t dev, unsigned int *util, unsigned int *period) {
    ENTER("nvmlDeviceGetEncoderUtilization", dev) NUM("enc_util", v) *util = (unsigned int) v; *period = 167000; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t dev, unsigned int *util, unsigned int *period) {
    ENTER("nvmlDeviceGetDecoderUtilization", dev) NUM("dec_util", v) *util = (unsigned int) v; *period = 167000; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetViolationStatus(nvmlDevice_t dev, int policy, nvmlViolationTime_t *t) {
    ENTER("nvmlDeviceGetViolationStatus", dev)
    char name[32];
    snprintf(name, sizeof name, "violation.%d", policy);
    NUM(name, v) t->referenceTime = 1700000000000000ULL; t->violationTime = (unsigned long long) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t dev, nvmlMemory_t *m) {
    mig_t *mig = mig_of(dev);
    if (mig != NULL) {
        if (inject("nvmlDeviceGetMemoryInfo", -2) != NVML_SUCCESS) return NVML_ERROR_NOT_SUPPORTED;
        m->total = mig->total; m->free = mig->free; m->used = mig->used_bytes;
        return NVML_SUCCESS;
    }
    ENTER("nvmlDeviceGetMemoryInfo", dev) NUM("fb_total", t) NUM("fb_free", f) NUM("fb_used", u) NUM("fb_reserved", r)
    m->total = (unsigned long long) t; m->free = (unsigned long long) f; m->used = (unsigned long long) (u + r);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t dev, nvmlMemory_v2_t *m) {
    mig_t *mig = mig_of(dev);
    if (mig != NULL) {
        nvmlReturn_t injected = inject("nvmlDeviceGetMemoryInfo_v2", -2); /* device -2: any MIG device */
        if (injected != NVML_SUCCESS) return injected;
        if (m->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
        m->total = mig->total; m->free = mig->free; m->used = mig->used_bytes; m->reserved = 0;
        return NVML_SUCCESS;
    }
    ENTER("nvmlDeviceGetMemoryInfo_v2", dev)
    if (m->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    NUM("fb_total", t) NUM("fb_free", f) NUM("fb_used", u) NUM("fb_reserved", r)
    m->total = (unsigned long long) t; m->free = (unsigned long long) f;
    m->used = (unsigned long long) u; m->reserved = (unsigned long long) r;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t dev, int errorType, int counterType, unsigned long long *out) {
    ENTER("nvmlDeviceGetTotalEccErrors", dev)
    char name[32];
    snprintf(name, sizeof name, "ecc.%d.%d", errorType, counterType);
    NUM(name, v) *out = (unsigned long long) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t dev, int cause, unsigned int *count, unsigned long long *addresses) {
    ENTER("nvmlDeviceGetRetiredPages", dev)
    char name[32];
    snprintf(name, sizeof name, "retired.%d", cause);
    NUM(name, v)
    unsigned int n = (unsigned int) v;
    if (*count < n) { *count = n; return NVML_ERROR_INSUFFICIENT_SIZE; }
    for (unsigned int i = 0; i < n && addresses != NULL; i++) addresses[i] = 0x1000ULL * (i + 1);
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(nvmlDevice_t dev, int *pending) {
    ENTER("nvmlDeviceGetRetiredPagesPendingStatus", dev) NUM("retired_pending", v) *pending = (int) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t dev, unsigned int *corr, unsigned int *unc, unsigned int *pending,
                                       unsigned int *failure) {
    ENTER("nvmlDeviceGetRemappedRows", dev) NUM("remap_corr", c) NUM("remap_unc", u) NUM("remap_pending", p) NUM("remap_failure", f)
    *corr = (unsigned int) c; *unc = (unsigned int) u; *pending = (unsigned int) p; *failure = (unsigned int) f;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t dev, int count, nvmlFieldValue_t *values_) {
    ENTER("nvmlDeviceGetFieldValues", dev)
    for (int i = 0; i < count; i++) {
        char name[32];
        double v;
        snprintf(name, sizeof name, "fi.%u", values_[i].fieldId);
        values_[i].timestamp = 1700000000000000LL;
        values_[i].latencyUsec = 5;
        if (!get_num(idx, name, &v)) {
            values_[i].nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
        } else if (values_[i].fieldId == 82) { /* memory temperature: unsigned int, as real drivers */
            values_[i].nvmlReturn = NVML_SUCCESS;
            values_[i].valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
            values_[i].value.uiVal = (unsigned int) v;
        } else if (values_[i].fieldId == 59) { /* exercise the double branch of the decoder */
            values_[i].nvmlReturn = NVML_SUCCESS;
            values_[i].valueType = NVML_VALUE_TYPE_DOUBLE;
            values_[i].value.dVal = v;
        } else {
            values_[i].nvmlReturn = NVML_SUCCESS;
            values_[i].valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
            values_[i].value.ullVal = (unsigned long long) v;
        }
    }
    return NVML_SUCCESS;
}

static nvmlReturn_t reasons(const char *fn, nvmlDevice_t dev, unsigned long long *out) {
    ENTER(fn, dev) NUM("clock_reasons", v) *out = (unsigned long long) v; return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t dev, unsigned long long *out) {
    return reasons("nvmlDeviceGetCurrentClocksEventReasons", dev, out);
}

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t dev, unsigned long long *out) {
    return reasons("nvmlDeviceGetCurrentClocksThrottleReasons", dev, out);
}

static nvmlReturn_t processes(const char *fn, int type, nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    ENTER(fn, dev)
    pthread_mutex_lock(&lock);
    int n = proc_count[idx][type];
    nvmlReturn_t rc = NVML_SUCCESS;
    if (*count < (unsigned int) n) {
        rc = NVML_ERROR_INSUFFICIENT_SIZE;
    } else {
        for (int i = 0; i < n; i++) infos[i] = procs[idx][type][i];
    }
    *count = (unsigned int) n;
    pthread_mutex_unlock(&lock);
    return rc;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    return processes("nvmlDeviceGetComputeRunningProcesses_v3", 0, dev, count, infos);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    return processes("nvmlDeviceGetGraphicsRunningProcesses_v3", 1, dev, count, infos);
}

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t dev, int counter, unsigned int *out) {
    ENTER("nvmlDeviceGetPcieThroughput", dev)
    char name[32];
    snprintf(name, sizeof name, "pcie.%d", counter);
    NUM(name, v) *out = (unsigned int) v; return NVML_SUCCESS;
}

/* ---- events ---------------------------------------------------------------------------- */

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = inject("nvmlEventSetCreate", -1);
    if (rc != NVML_SUCCESS) return rc;
    *set = calloc(1, sizeof(struct nvmlEventSet_st));
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t dev, unsigned long long types, nvmlEventSet_t set) {
    ENTER("nvmlDeviceRegisterEvents", dev)
    NUM("xid_supported", supported)
    if (supported == 0) return NVML_ERROR_NOT_SUPPORTED;
    set->registered[idx] |= types;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
    (void) timeoutms;
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = inject("nvmlEventSetWait_v2", -1);
    if (rc != NVML_SUCCESS) return rc;
    pthread_mutex_lock(&lock);
    rc = NVML_ERROR_TIMEOUT;
    for (int i = 0; i < event_count; i++) {
        int d = events[i].device;
        if (d < device_count && (set->registered[d] & nvmlEventTypeXidCriticalError)) {
            data->device = &devices[d];
            data->eventType = nvmlEventTypeXidCriticalError;
            data->eventData = events[i].xid;
            data->gpuInstanceId = 0xFFFFFFFFu;
            data->computeInstanceId = 0xFFFFFFFFu;
            memmove(&events[i], &events[i + 1], (size_t) (event_count - i - 1) * sizeof(event_t));
            event_count--;
            rc = NVML_SUCCESS;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    inject("nvmlEventSetFree", -1);
    free(set);
    return NVML_SUCCESS;
}

/* ---- GPM ------------------------------------------------------------------------------- */

nvmlReturn_t nvmlGpmQueryDeviceSupport(nvmlDevice_t dev, nvmlGpmSupport_t *support) {
    ENTER("nvmlGpmQueryDeviceSupport", dev)
    if (support->version != NVML_GPM_SUPPORT_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    double v;
    support->isSupportedDevice = get_num(idx, "gpm_supported", &v) && v != 0 ? 1 : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleAlloc(nvmlGpmSample_t *sample) {
    nvmlReturn_t rc = inject("nvmlGpmSampleAlloc", -1);
    if (rc != NVML_SUCCESS) return rc;
    *sample = calloc(1, sizeof(struct nvmlGpmSample_st));
    (*sample)->device = -1;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleFree(nvmlGpmSample_t sample) {
    inject("nvmlGpmSampleFree", sample == NULL ? -1 : sample->device);
    free(sample);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleGet(nvmlDevice_t dev, nvmlGpmSample_t sample) {
    ENTER("nvmlGpmSampleGet", dev)
    sample->device = idx;
    pthread_mutex_lock(&lock);
    sample->seq = ++gpm_seq;
    pthread_mutex_unlock(&lock);
    for (int m = 1; m < NVML_GPM_METRIC_MAX; m++) {
        char name[32];
        snprintf(name, sizeof name, "gpm.%d", m);
        double v = 0;
        sample->values[m] = get_num(idx, name, &v) ? v : -1;
    }
    return NVML_SUCCESS;
}

/**
 * A metric over two samples is the mean of the values configured when each sample was taken,
 * so a test can tell that both the previous and the current sample were used, in that order.
 */
nvmlReturn_t nvmlGpmMetricsGet(nvmlGpmMetricsGet_t *g) {
    if (init_depth <= 0) return NVML_ERROR_UNINITIALIZED;
    if (g->version != NVML_GPM_METRICS_GET_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (g->sample1 == NULL || g->sample2 == NULL || g->numMetrics > NVML_GPM_METRIC_MAX) return NVML_ERROR_INVALID_ARGUMENT;
    if (g->sample1->device != g->sample2->device || g->sample1->seq >= g->sample2->seq) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = inject("nvmlGpmMetricsGet", g->sample2->device);
    if (rc != NVML_SUCCESS) return rc;
    for (unsigned int i = 0; i < g->numMetrics; i++) {
        unsigned int id = g->metrics[i].metricId;
        g->metrics[i].metricInfo.shortName = NULL;
        g->metrics[i].metricInfo.longName = NULL;
        g->metrics[i].metricInfo.unit = NULL;
        if (id == 0 || id >= NVML_GPM_METRIC_MAX || g->sample1->values[id] < 0 || g->sample2->values[id] < 0) {
            g->metrics[i].nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
            continue;
        }
        g->metrics[i].nvmlReturn = NVML_SUCCESS;
        g->metrics[i].value = (g->sample1->values[id] + g->sample2->values[id]) / 2.0;
    }
    return NVML_SUCCESS;
}

/* ---- MIG ------------------------------------------------------------------------------- */

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t dev, unsigned int *current, unsigned int *pending) {
    ENTER("nvmlDeviceGetMigMode", dev) NUM("mig_mode", v)
    *current = (unsigned int) v; *pending = (unsigned int) v;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t dev, unsigned int *count) {
    ENTER("nvmlDeviceGetMaxMigDeviceCount", dev) NUM("mig_mode", v)
    *count = v > 0 ? 7 : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t dev, unsigned int index, nvmlDevice_t *mig) {
    ENTER("nvmlDeviceGetMigDeviceHandleByIndex", dev)
    /* NVML numbers the existing MIG devices 0..n-1 */
    unsigned int seen = 0;
    for (int s = 0; s < MAX_MIG; s++) {
        if (!migs[idx][s].used) continue;
        if (seen++ == index) { *mig = &mig_handles[idx][s]; return NVML_SUCCESS; }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t dev, unsigned int *id) {
    mig_t *m = mig_of(dev);
    if (m == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *id = m->gi;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t dev, unsigned int *id) {
    mig_t *m = mig_of(dev);
    if (m == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *id = m->ci;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t dev, unsigned int id, nvmlGpuInstance_t *gi) {
    ENTER("nvmlDeviceGetGpuInstanceById", dev)
    for (int s = 0; s < MAX_MIG; s++) {
        if (migs[idx][s].used && migs[idx][s].gi == id) {
            gi_handles[idx][s].dev = idx; gi_handles[idx][s].id = id;
            *gi = &gi_handles[idx][s];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gi, nvmlGpuInstanceInfo_t *info) {
    if (gi == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    for (int s = 0; s < MAX_MIG; s++) {
        mig_t *m = &migs[gi->dev][s];
        if (m->used && m->gi == gi->id) {
            info->device = &devices[gi->dev];
            info->id = gi->id;
            info->profileId = m->profile_id;
            info->placement.start = s; info->placement.size = 1;
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

/* H100 80GB's profiles: (profile index, profile id, name) as nvidia-smi mig -lgip lists them. */
static const struct { unsigned int index, id, slices; const char *name; unsigned long long mb; } profiles[] = {
    {0, 19, 1, "MIG 1g.10gb", 9856}, {1, 14, 2, "MIG 2g.20gb", 19968}, {2, 9, 3, "MIG 3g.40gb", 40192},
    {3, 5, 4, "MIG 4g.40gb", 40192}, {4, 0, 7, "MIG 7g.80gb", 80384}, {7, 20, 1, "MIG 1g.10gb+me", 9856},
    {9, 15, 1, "MIG 1g.20gb", 19968},
};

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t dev, unsigned int profile,
                                                  nvmlGpuInstanceProfileInfo_v2_t *info) {
    ENTER("nvmlDeviceGetGpuInstanceProfileInfoV", dev)
    if (info->version != nvmlGpuInstanceProfileInfo_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (profile >= NVML_GPU_INSTANCE_PROFILE_COUNT) return NVML_ERROR_INVALID_ARGUMENT;
    for (unsigned i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        if (profiles[i].index == profile) {
            info->id = profiles[i].id;
            info->sliceCount = profiles[i].slices;
            info->memorySizeMB = profiles[i].mb;
            snprintf(info->name, sizeof info->name, "%s", profiles[i].name);
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_SUPPORTED;
}
