package io.aiwatch.reader.alert.promql;

import io.aiwatch.reader.alert.promql.Expr.Type;
import java.util.List;
import java.util.Locale;

/** The PromQL functions of the subset, with their argument and result types. */
public enum Function {
    RATE(Type.VECTOR, Type.MATRIX),
    IRATE(Type.VECTOR, Type.MATRIX),
    INCREASE(Type.VECTOR, Type.MATRIX),
    DELTA(Type.VECTOR, Type.MATRIX),
    AVG_OVER_TIME(Type.VECTOR, Type.MATRIX),
    MIN_OVER_TIME(Type.VECTOR, Type.MATRIX),
    MAX_OVER_TIME(Type.VECTOR, Type.MATRIX),
    SUM_OVER_TIME(Type.VECTOR, Type.MATRIX),
    COUNT_OVER_TIME(Type.VECTOR, Type.MATRIX),
    LAST_OVER_TIME(Type.VECTOR, Type.MATRIX),
    PREDICT_LINEAR(Type.VECTOR, Type.MATRIX, Type.SCALAR),
    HISTOGRAM_QUANTILE(Type.VECTOR, Type.SCALAR, Type.VECTOR),
    ABS(Type.VECTOR, Type.VECTOR),
    CLAMP_MIN(Type.VECTOR, Type.VECTOR, Type.SCALAR),
    CLAMP_MAX(Type.VECTOR, Type.VECTOR, Type.SCALAR),
    ABSENT(Type.VECTOR, Type.VECTOR),
    VECTOR(Type.VECTOR, Type.SCALAR),
    SCALAR(Type.SCALAR, Type.VECTOR),
    TIME(Type.SCALAR);

    private final Type returnType;
    private final List<Type> argTypes;

    Function(Type returnType, Type... argTypes) {
        this.returnType = returnType;
        this.argTypes = List.of(argTypes);
    }

    public Type returnType() {
        return returnType;
    }

    public List<Type> argTypes() {
        return argTypes;
    }

    /** The name as written in PromQL. */
    public String promqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The function called {@code name}, or null when it is not in the subset. */
    public static Function byName(String name) {
        for (Function f : values()) {
            if (f.promqlName().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
