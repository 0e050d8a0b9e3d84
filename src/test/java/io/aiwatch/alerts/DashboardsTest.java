package io.aiwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Structure of the Grafana dashboards, checked without Grafana (not packaged for Debian): current
 * schema, a datasource variable every panel and variable uses, unique ids, defined variables,
 * panels inside the 24-column grid, and provisioning files that point at them.
 */
class DashboardsTest {
    @Test
    void theFiveDashboardsExistWithUniqueUids() {
        List<Path> files = Dashboards.files();
        assertThat(files.stream().map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder(
                        "gpu-fleet.json", "gpu-node.json", "inference.json", "storage.json", "loadgen.json");
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Path f : files) {
            JsonNode d = Dashboards.read(f);
            assertThat(uids.add(d.path("uid").asText())).as(f + " uid unique").isTrue();
            assertThat(titles.add(d.path("title").asText()))
                    .as(f + " title unique")
                    .isTrue();
            assertThat(d.path("uid").asText()).as(f + " uid").matches("[a-z0-9-]{1,40}");
            assertThat(d.path("schemaVersion").asInt()).as(f + " schemaVersion").isGreaterThanOrEqualTo(39);
            assertThat(d.path("tags").toString()).as(f + " tags").contains("\"aiwatch\"");
            assertThat(d.has("id")).as(f + " must not pin a database id").isFalse();
        }
    }

    @Test
    void everyPanelHasAUniqueIdAndTakesItsDataFromTheDatasourceVariable() {
        for (Path f : Dashboards.files()) {
            JsonNode d = Dashboards.read(f);
            JsonNode dsVar = Dashboards.variables(d).get("datasource");
            assertThat(dsVar).as(f + " datasource variable").isNotNull();
            assertThat(dsVar.path("type").asText()).isEqualTo("datasource");
            assertThat(dsVar.path("query").asText()).isEqualTo("prometheus");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : d.path("panels")) {
                assertThat(ids.add(p.path("id").asInt()))
                        .as(f + " panel id " + p.path("id"))
                        .isTrue();
                p.path("panels")
                        .forEach(n -> assertThat(ids.add(n.path("id").asInt()))
                                .as(f + " nested id")
                                .isTrue());
            }
            List<JsonNode> panels = Dashboards.panels(d);
            assertThat(panels).as(f + " panels").hasSizeGreaterThanOrEqualTo(10);
            for (JsonNode p : panels) {
                String where = f.getFileName() + " / " + p.path("title").asText();
                assertThat(p.path("title").asText()).as(where).isNotBlank();
                assertThat(p.path("description").asText())
                        .as(where + " description")
                        .isNotBlank();
                assertThat(p.path("type").asText()).as(where).isIn("timeseries", "stat", "table", "gauge", "bargauge");
                assertThat(p.path("datasource").path("uid").asText())
                        .as(where + " datasource")
                        .isEqualTo("${datasource}");
                assertThat(p.path("targets")).as(where + " targets").isNotEmpty();
                Set<String> refIds = new HashSet<>();
                for (JsonNode t : p.path("targets")) {
                    assertThat(t.path("datasource").path("uid").asText())
                            .as(where + " target datasource")
                            .isEqualTo("${datasource}");
                    assertThat(t.path("expr").asText()).as(where + " expr").isNotBlank();
                    assertThat(refIds.add(t.path("refId").asText()))
                            .as(where + " refId unique")
                            .isTrue();
                }
                JsonNode g = p.path("gridPos");
                assertThat(g.path("w").asInt()).as(where).isBetween(1, 24);
                assertThat(g.path("x").asInt() + g.path("w").asInt())
                        .as(where + " inside the grid")
                        .isLessThanOrEqualTo(24);
                assertThat(g.path("h").asInt()).as(where).isPositive();
            }
        }
    }

    @Test
    void panelsDoNotOverlap() {
        for (Path f : Dashboards.files()) {
            List<JsonNode> all = Dashboards.read(f).findParents("gridPos");
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    JsonNode a = all.get(i).path("gridPos");
                    JsonNode b = all.get(j).path("gridPos");
                    boolean overlap = a.path("x").asInt()
                                    < b.path("x").asInt() + b.path("w").asInt()
                            && b.path("x").asInt()
                                    < a.path("x").asInt() + a.path("w").asInt()
                            && a.path("y").asInt()
                                    < b.path("y").asInt() + b.path("h").asInt()
                            && b.path("y").asInt()
                                    < a.path("y").asInt() + a.path("h").asInt();
                    assertThat(overlap)
                            .as(f + ": " + all.get(i).path("title") + " overlaps "
                                    + all.get(j).path("title"))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void variablesAreDefinedUsedAndQueryThroughTheDatasourceVariable() {
        for (Path f : Dashboards.files()) {
            JsonNode d = Dashboards.read(f);
            Map<String, JsonNode> vars = Dashboards.variables(d);
            assertThat(vars).as(f + " variables").containsKey("instance");
            Set<String> used = new HashSet<>(Set.of("datasource")); // every panel's datasource, checked above
            for (var q : Dashboards.queries(f)) {
                for (String v : Dashboards.referencedVariables(q.expr())) {
                    assertThat(vars.containsKey(v) || Dashboards.BUILT_INS.containsKey(v))
                            .as(q.key() + " uses undefined $" + v)
                            .isTrue();
                    used.add(v);
                }
            }
            for (JsonNode v : vars.values()) {
                if (v.path("type").asText().equals("query")) {
                    assertThat(v.path("datasource").path("uid").asText())
                            .as(f + " $" + v.path("name").asText())
                            .isEqualTo("${datasource}");
                    String definition = v.path("definition").asText();
                    assertThat(definition.startsWith("label_values(")
                                    || definition.startsWith("query_result(")
                                            && v.path("regex").asText().matches("/.*\\(.+\\).*/"))
                            .as(f + " $" + v.path("name").asText()
                                    + ": label_values(...), or query_result(...) with a /regex/ capturing the value")
                            .isTrue();
                    used.addAll(
                            Dashboards.referencedVariables(v.path("definition").asText()));
                }
            }
            assertThat(used).as(f + ": every variable is used").containsAll(vars.keySet());
        }
    }

    @Test
    void everyDashboardHasOptionalClusterJobAndANodePickerByHostname() {
        for (Path f : Dashboards.files()) {
            Map<String, JsonNode> vars = Dashboards.variables(Dashboards.read(f));
            assertThat(vars).as(f + " variables").containsKeys("cluster", "job", "node");
            JsonNode cluster = vars.get("cluster");
            // Without a cluster label the query has no values: "All" (.*) still matches series without it.
            assertThat(cluster.path("includeAll").asBoolean())
                    .as(f + " $cluster has All")
                    .isTrue();
            assertThat(cluster.path("allValue").asText()).as(f + " $cluster").isEqualTo(".*");
            assertThat(cluster.path("definition").asText()).as(f + " $cluster").endsWith(", cluster)");
            assertThat(vars.get("job").path("definition").asText())
                    .as(f + " $job")
                    .contains("cluster=~\"$cluster\"")
                    .endsWith(", job)");
            assertThat(vars.get("node").path("definition").asText())
                    .as(f + " $node: dcgm-exporter's Hostname label")
                    .startsWith("label_values(DCGM_FI_")
                    .endsWith(", Hostname)");
        }
        // GPU dashboards: no "All" jobs, so dcgm-exporter and aiwatch scraped side by side are not
        // shown (or summed) twice unless both are picked.
        for (String file : List.of("gpu-fleet.json", "gpu-node.json")) {
            JsonNode job = Dashboards.variables(Dashboards.read(Dashboards.DIR.resolve(file)))
                    .get("job");
            assertThat(job.path("includeAll").asBoolean()).as(file + " $job").isFalse();
        }
    }

    /** Families served by a process other than the one the dashboard's $job picks, per dashboard. */
    private static final Map<String, Pattern> OTHER_JOBS = Map.of(
            "inference.json",
            Pattern.compile("ALERTS|aiwatch_client_.*|aiwatch_loadgen_.*|aiwatch:inference_slo_.*|DCGM_FI_.*"),
            "loadgen.json",
            Pattern.compile("aiwatch_loadgen_.*"),
            "gpu-fleet.json",
            Pattern.compile("ALERTS"));

    @Test
    void everySelectorFiltersByClusterJobAndGpuSelectorsByNode() {
        Pattern gpuFamily = Pattern.compile("DCGM_FI_.*|aiwatch_gpu_.*|aiwatch:node_gpus:.*");
        List<String> problems = new java.util.ArrayList<>();
        int checked = 0;
        for (Path f : Dashboards.files()) {
            String file = f.getFileName().toString();
            for (Dashboards.Query q : Dashboards.queries(f)) {
                List<Dashboards.Selector> selectors = Dashboards.selectors(q.expr());
                assertThat(selectors).as(q.key()).isNotEmpty();
                for (Dashboards.Selector s : selectors) {
                    checked++;
                    String where = q.key() + " [" + q.refId() + "] " + s.metric();
                    if (s.matchers() == null) {
                        problems.add(where + ": no label filter at all");
                        continue;
                    }
                    if (!s.matchers().contains("cluster=~\"$cluster\"")) {
                        problems.add(where + ": no cluster filter");
                    }
                    boolean otherJob = OTHER_JOBS
                            .getOrDefault(file, Pattern.compile("$^"))
                            .matcher(s.metric())
                            .matches();
                    if (!otherJob && !s.matchers().contains("job=~\"$job\"")) {
                        problems.add(where + ": no job filter");
                    }
                    if (gpuFamily.matcher(s.metric()).matches() && !s.matchers().contains("Hostname=~\"$node\"")) {
                        problems.add(where + ": GPU series not filtered by the node picker");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("selectors checked").isGreaterThan(150);
        List<Dashboards.Selector> parsed = Dashboards.selectors(
                "sum(rate(aiwatch_x{a=\"}\",b=\"up\"}[1m])) / label_replace(up, \"t\", \"$1\", \"vllm:y\", \"(.*)\")");
        assertThat(parsed)
                .containsExactly(
                        new Dashboards.Selector("aiwatch_x", "a=\"}\",b=\"up\""), new Dashboards.Selector("up", null));
    }

    @Test
    void inferencePanelsReadVllmDirectlyWhereAiwatchReexportsIt() {
        // Every server-side query on aiwatch's re-export also reads vLLM's own family (or), except
        // the panels about aiwatch's own work: its windowed quantiles, its scrape of the targets
        // (target health falls back to Prometheus' up of a vLLM job) and energy per token (a join of
        // GPUs and servers that only aiwatch's discovery knows).
        Set<String> aiwatchOnly = new java.util.TreeSet<>();
        for (Dashboards.Query q : Dashboards.queries(Dashboards.DIR.resolve("inference.json"))) {
            boolean direct = q.expr().contains("vllm:") || q.expr().contains(" or label_replace(up{");
            if (q.expr().contains("aiwatch_inference_") && !direct) {
                aiwatchOnly.add(q.panel());
            }
            if (q.expr().contains("vllm:")) {
                assertThat(q.expr()).as(q.key()).contains(" or ").contains("model_name");
            }
        }
        assertThat(aiwatchOnly)
                .containsExactlyInAnyOrder(
                        "Windowed p99 computed by aiwatch",
                        "Scrape errors",
                        "Scrape duration",
                        "Energy per output token",
                        "Energy per request");
    }

    @Test
    void gpuPanelsUseDcgmExporterNamesWhereTheFieldExists() {
        // The GPU dashboards must keep working against dcgm-exporter: the DCGM families are
        // queried by their dcgm-exporter names and labels (gpu, not an aiwatch-specific label).
        for (String file : List.of("gpu-fleet.json", "gpu-node.json")) {
            List<Dashboards.Query> qs = Dashboards.queries(Dashboards.DIR.resolve(file));
            long dcgm = qs.stream().filter(q -> q.expr().contains("DCGM_FI_")).count();
            assertThat(dcgm).as(file + " queries on DCGM_FI_* names").isGreaterThanOrEqualTo(qs.size() / 2);
            assertThat(qs).allSatisfy(q -> assertThat(q.expr()).doesNotContain("nvidia_smi_", "gpu_uuid"));
        }
    }

    @Test
    void substitutionReplacesVariablesAsAllWouldAndIntervalsWithDurations() {
        assertThat(Dashboards.substitute("rate(x{instance=~\"$instance\",gpu=~\"${gpu}\"}[$__rate_interval])"))
                .isEqualTo("rate(x{instance=~\".*\",gpu=~\".*\"}[1m])");
    }

    @Test
    void provisioningPointsGrafanaAtTheDashboardsAndAPrometheusDatasource() throws Exception {
        JsonNode dash =
                RuleFiles.YAML.readTree(Files.readString(Path.of("dashboards/provisioning/dashboards/aiwatch.yml")));
        assertThat(dash.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = dash.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).isNotBlank();
        JsonNode ds = RuleFiles.YAML.readTree(
                Files.readString(Path.of("dashboards/provisioning/datasources/prometheus.yml")));
        JsonNode p = ds.path("datasources").get(0);
        assertThat(p.path("type").asText()).isEqualTo("prometheus");
        assertThat(p.path("url").asText()).startsWith("http");
        assertThat(p.path("jsonData").path("timeInterval").asText()).matches("\\d+s");
        // Next to kube-prometheus-stack (which provisions its own default), a second default data
        // source stops Grafana from starting: ours must not claim it.
        assertThat(p.path("isDefault").asBoolean(false)).as("isDefault").isFalse();
        assertThat(p.path("uid").asText()).isNotBlank();
    }
}
