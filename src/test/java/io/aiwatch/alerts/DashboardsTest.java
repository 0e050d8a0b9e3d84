package io.aiwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                    assertThat(v.path("definition").asText())
                            .as(f + " $" + v.path("name").asText())
                            .startsWith("label_values(");
                    used.addAll(
                            Dashboards.referencedVariables(v.path("definition").asText()));
                }
            }
            assertThat(used).as(f + ": every variable is used").containsAll(vars.keySet());
        }
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
    }
}
