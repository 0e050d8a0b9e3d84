package io.aiwatch.reader.alert.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParserTest {
    @Test
    void parsesTheSubsetWithPromqlPrecedence() throws Exception {
        Expr e = Parser.parse("a + b * c ^ 2 ^ 3 > bool 1 or d unless e");
        assertThat(e).isInstanceOf(Expr.Binary.class);
        Expr.Binary or = (Expr.Binary) e;
        assertThat(or.op()).isEqualTo(Expr.BinaryOp.OR);
        Expr.Binary unless = (Expr.Binary) or.rhs();
        assertThat(unless.op()).isEqualTo(Expr.BinaryOp.UNLESS);
        Expr.Binary cmp = (Expr.Binary) or.lhs();
        assertThat(cmp.returnBool()).isTrue();
        Expr.Binary pow = (Expr.Binary) ((Expr.Binary) ((Expr.Binary) cmp.lhs()).rhs()).rhs();
        assertThat(pow.op()).isEqualTo(Expr.BinaryOp.POW);
        assertThat(pow.rhs()).isInstanceOf(Expr.Binary.class); // right-associative
        assertThat(Parser.parse("-2 ^ 2"))
                .isEqualTo(new Expr.Negate(
                        new Expr.Binary(Expr.BinaryOp.POW, new Expr.NumberLit(2), new Expr.NumberLit(2), false, null)));
    }

    @Test
    void parsesSelectorsAggregationsFunctionsAndMatching() throws Exception {
        Expr.Selector s = (Expr.Selector) Parser.parse("x{a=\"1\", b!=\"2\", c=~\"3|4\", d!~'5'}");
        assertThat(s.name()).isEqualTo("x");
        assertThat(s.matchers())
                .extracting(Expr.Matcher::type)
                .containsExactly(
                        Expr.MatchType.EQ,
                        Expr.MatchType.EQ,
                        Expr.MatchType.NEQ,
                        Expr.MatchType.RE,
                        Expr.MatchType.NRE);
        Expr.Aggregate a = (Expr.Aggregate) Parser.parse("sum(rate(x[5m])) without (gpu)");
        assertThat(a.without()).isTrue();
        assertThat(a.labels()).containsExactly("gpu");
        Expr.Binary b = (Expr.Binary) Parser.parse("x * on(gpu) group_left(model) y");
        assertThat(b.matching().card()).isEqualTo(Expr.VectorMatching.Card.MANY_TO_ONE);
        assertThat(b.matching().include()).containsExactly("model");
        assertThat(((Expr.RangeSelector) ((Expr.Call) Parser.parse("predict_linear(x[1h30m], 4 * 3600)"))
                                .args()
                                .get(0))
                        .range())
                .hasMinutes(90);
        assertThat(Parser.parse("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))")
                        .type())
                .isEqualTo(Expr.Type.VECTOR);
        assertThat(Parser.parse("time() - 5").type()).isEqualTo(Expr.Type.SCALAR);
    }

    @Test
    void refusesWhatIsOutsideTheSubsetWithThePosition() {
        assertRefused("rate(x[5m:1m])", "subqueries", 9);
        assertRefused("x offset 5m", "offset", 2);
        assertRefused("topk(3, x)", "topk", 0);
        assertRefused("label_replace(x, \"a\", \"b\", \"c\", \"d\")", "label_replace", 0);
        assertRefused("1 > 2", "BOOL", 2);
        assertRefused("x and 1", "set operator", 2);
        assertRefused("rate(x)", "range vector", 0);
        assertRefused("x[5m]", "instant vector", 0);
        assertRefused("{a=~\".*\"}", "non-empty matcher", 0);
        assertRefused("x{a=~\"(\"}", "regular expression", 5);
        assertRefused("x +", "unexpected", 3);
        assertRefused("sum(x, y)", "one argument", 5);
    }

    private static void assertRefused(String expr, String message, int position) {
        assertThatThrownBy(() -> Parser.parse(expr)).as(expr).isInstanceOfSatisfying(PromqlException.class, e -> {
            assertThat(e.getMessage()).containsIgnoringCase(message);
            assertThat(e.position()).isEqualTo(position);
        });
    }
}
