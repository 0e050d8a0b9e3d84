package io.aiwatch.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart (packaging/helm/aiwatch) through the real helm library (helm-java): lint, then
 * template with several value sets, and every rendered object parsed strictly with the fabric8
 * model. The chart's copies of alerts/, dashboards/ and alerts/counters.csv, and the plain
 * manifest packaging/kubernetes/aiwatch.yaml, are checked against their sources
 * ({@code -Dgolden.update=true} regenerates them).
 */
class HelmChartTest {
    static final Path CHART = Path.of("packaging/helm/aiwatch");
    static final Path MANIFEST = Path.of("packaging/kubernetes/aiwatch.yaml");
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    static String render(Map<String, Object> sets) {
        var t = new Helm(CHART).template().withName("aiwatch").withNamespace("monitoring");
        sets.forEach(t::set);
        return t.call();
    }

    static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static Container exporter(List<HasMetadata> objects) {
        return of(objects, DaemonSet.class)
                .get(0)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    static String env(Container c, String name) {
        return c.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }

    @Test
    void strictParsingRejectsAFieldTheModelDoesNotKnow() {
        String typo = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                + "    - name: c\n      image: x\n      securityContex: {runAsUser: 0}\n";
        assertThatThrownBy(() -> StrictKubernetesModel.parse(typo))
                .hasMessageContaining("Pod/p: unknown fields [spec.containers[0].securityContex]");
    }

    @Test
    void chartLintsCleanly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
    }

    @Test
    void defaultsRenderADaemonSetThatRunsOnAReadOnlyRootWithAWritableTmpForJna() {
        List<HasMetadata> objects = StrictKubernetesModel.parse(render(Map.of()));
        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .contains("DaemonSet", "Service", "ServiceAccount", "ServiceMonitor", "PrometheusRule", "ConfigMap");
        assertThat(of(objects, Job.class)).isEmpty();
        DaemonSet ds = of(objects, DaemonSet.class).get(0);
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(c.getArgs()).containsExactly("-f", "/etc/aiwatch/counters.csv");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(env(c, "AIWATCH_TMPDIR")).isEqualTo("/tmp/aiwatch");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp/aiwatch");
            Volume v = pod.getVolumes().stream()
                    .filter(x -> x.getName().equals(m.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(v.getEmptyDir()).isNotNull();
        });
        assertThat(env(c, "DCGM_EXPORTER_KUBERNETES")).isEqualTo("true");
        assertThat(c.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/kubelet/pod-resources"));
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready?scope=serving");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(pod.getHostPID()).isFalse();
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        ServiceMonitor sm = of(objects, ServiceMonitor.class).get(0);
        assertThat(sm.getSpec().getEndpoints().get(0).getScrapeTimeout()).isEqualTo("10s");
        assertThat(sm.getSpec().getSelector().getMatchLabels())
                .isEqualTo(of(objects, Service.class).get(0).getSpec().getSelector());
        assertThat(sm.getMetadata().getName()).contains("aiwatch"); // AiwatchDown matches job=~".*aiwatch.*"
        assertThat(of(objects, ServiceAccount.class).get(0).getAutomountServiceAccountToken())
                .isFalse();
        ConfigMap counters = of(objects, ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().endsWith("-counters"))
                .findFirst()
                .orElseThrow();
        assertThat(counters.getData().get("counters.csv").strip())
                .isEqualTo(read(Path.of("alerts/counters.csv")).strip());
    }

    @Test
    void prometheusRuleCarriesEveryRuleOfTheAlertsDirectory() throws IOException {
        PrometheusRule rule = of(StrictKubernetesModel.parse(render(Map.of())), PrometheusRule.class)
                .get(0);
        Map<String, String> rendered = new TreeMap<>();
        rule.getSpec()
                .getGroups()
                .forEach(g -> g.getRules()
                        .forEach(r -> rendered.put(name(r), r.getExpr().getStrVal())));
        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("alerts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".rules.yml")).toList()) {
                for (JsonNode g : YAML.readTree(f.toFile()).get("groups")) {
                    for (JsonNode r : g.get("rules")) {
                        String n = r.has("alert")
                                ? r.get("alert").asText()
                                : r.get("record").asText();
                        expected.put(n, r.get("expr").asText());
                    }
                }
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(rendered).isEqualTo(expected);
    }

    private static String name(Rule r) {
        return r.getAlert() != null ? r.getAlert() : r.getRecord();
    }

    @Test
    void dashboardsAreConfigMapsForGrafanasSidecar() throws IOException {
        List<ConfigMap> maps = of(StrictKubernetesModel.parse(render(Map.of())), ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().contains("-dashboard-"))
                .toList();
        List<String> sources;
        try (Stream<Path> files = Files.list(Path.of("dashboards"))) {
            sources = files.filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .map(Path::toString)
                    .toList();
        }
        assertThat(maps).hasSize(sources.size());
        for (ConfigMap m : maps) {
            assertThat(m.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(m.getData()).hasSize(1);
            var e = m.getData().entrySet().iterator().next();
            String source = "dashboards/" + e.getKey().substring("aiwatch-".length());
            assertThat(JSON.readTree(e.getValue()))
                    .isEqualTo(JSON.readTree(Path.of(source).toFile()));
        }
    }

    @Test
    void basicAuthKeepsProbesOnHttpWithUnauthenticatedProbePaths() {
        List<HasMetadata> objects = StrictKubernetesModel.parse(render(
                Map.of("basicAuth.users.prometheus", "$2y$10$abcdefghijklmnopqrstuu5Z6S/wPfmcYbXH1Ik1TvFtb.bV1VuW")));
        Container c = exporter(objects);
        assertThat(env(c, "DCGM_EXPORTER_WEB_CONFIG_FILE")).isEqualTo("/etc/aiwatch/web/web-config.yml");
        assertThat(env(c, "AIWATCH_UNAUTHENTICATED_PATHS")).isEqualTo("/health,/ready");
        assertThat(c.getReadinessProbe().getHttpGet()).isNotNull();
        Secret web = of(objects, Secret.class).get(0);
        assertThat(web.getStringData().get("web-config.yml")).contains("basic_auth_users:", "prometheus:");
    }

    @Test
    void dcgmExporterChartValuesRenderWithOnlyTheImageChanged(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path values = Path.of("src/test/resources/reference/dcgm-exporter/helm-values.yaml");
        String yaml = new Helm(CHART)
                .template()
                .withName("dcgm-exporter")
                .withNamespace("gpu-operator")
                .withValuesFile(values)
                .set("image.repository", "aiwatch")
                .set("image.tag", "0.1.0")
                .call();
        List<HasMetadata> objects = StrictKubernetesModel.parse(yaml);
        Container c = exporter(objects);
        assertThat(c.getArgs()).containsExactly("-f", "/etc/dcgm-exporter/default-counters.csv");
        assertThat(c.getImage()).isEqualTo("aiwatch:0.1.0");
        // dcgm-exporter's values mount its counters ConfigMap where -f points
        assertThat(c.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/dcgm-exporter/default-counters.csv"));
        assertThat(c.getResources().getLimits()).containsKey("memory");
    }

    @Test
    void loadgenRendersAnIndexedJobOfWorkersAndAMergeStep() {
        List<HasMetadata> objects = StrictKubernetesModel.parse(render(Map.of(
                "loadgen.enabled", "true",
                "loadgen.workers", "8",
                "loadgen.startAt", "2026-12-08T10:00:00Z",
                "loadgen.baseUrl", "http://vllm.llm.svc:8000",
                "loadgen.resultsClaim", "loadgen-results")));
        List<Job> jobs = of(objects, Job.class);
        assertThat(jobs).hasSize(2);
        Job workers = jobs.get(0);
        assertThat(workers.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(workers.getSpec().getCompletions()).isEqualTo(8);
        assertThat(workers.getSpec().getParallelism()).isEqualTo(8);
        Container w = workers.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(w.getArgs())
                .startsWith("loadgen", "--base-url=http://vllm.llm.svc:8000", "--worker-index=$(WORKER_INDEX)")
                .contains(
                        "--worker-count=8",
                        "--start-at=2026-12-08T10:00:00Z",
                        "--result-filename=worker-$(WORKER_INDEX).json");
        assertThat(w.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        Job merge = jobs.get(1);
        assertThat(merge.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getInitContainers()
                        .get(0)
                        .getArgs()
                        .get(0))
                .contains("seq 0 7");
        assertThat(merge.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs()
                        .get(0))
                .contains("loadgen merge -o /results/merged.json /results/worker-*.json");
    }

    @Test
    void loadgenWithoutAStartTimeRefusesToRender() {
        assertThatThrownBy(() -> render(Map.of(
                        "loadgen.enabled", "true",
                        "loadgen.baseUrl", "http://x:8000",
                        "loadgen.resultsClaim", "c")))
                .hasMessageContaining("loadgen.startAt");
    }

    @Test
    void chartCopiesOfAlertsDashboardsAndCountersMatchTheirSources() throws IOException {
        Map<Path, Path> copies = new TreeMap<>();
        copies.put(Path.of("alerts/counters.csv"), CHART.resolve("files/counters.csv"));
        for (String dir : List.of("alerts", "dashboards")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.filter(p -> p.toString().endsWith(".rules.yml")
                                || p.toString().endsWith(".json"))
                        .forEach(p -> copies.put(p, CHART.resolve("files/" + dir + "/" + p.getFileName())));
            }
        }
        List<String> stale = new ArrayList<>();
        for (var e : copies.entrySet()) {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(e.getValue().getParent());
                Files.copy(e.getKey(), e.getValue(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.exists(e.getValue()) || Files.mismatch(e.getKey(), e.getValue()) != -1) {
                stale.add(e.getValue().toString());
            }
        }
        try (Stream<Path> files = Files.walk(CHART.resolve("files"))) {
            files.filter(Files::isRegularFile)
                    .filter(p -> !copies.containsValue(p))
                    .forEach(p -> stale.add(p + " (no source)"));
        }
        assertThat(stale).as("regenerate with -Dgolden.update=true").isEmpty();
    }

    @Test
    void plainManifestsAreTheChartRenderedWithDefaults() throws IOException {
        String header = "# Generated from packaging/helm/aiwatch by HelmChartTest (-Dgolden.update=true):\n"
                + "#   helm template aiwatch packaging/helm/aiwatch --namespace monitoring\n"
                + "# Do not edit; change the chart. kubectl create namespace monitoring && kubectl apply -f aiwatch.yaml\n";
        String expected = header + render(Map.of());
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(MANIFEST, expected);
        }
        assertThat(read(MANIFEST)).isEqualTo(expected);
        StrictKubernetesModel.parse(read(MANIFEST));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(p + ": " + e.getMessage());
        }
    }
}
