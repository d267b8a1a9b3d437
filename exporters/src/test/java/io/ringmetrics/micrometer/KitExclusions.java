package io.ringmetrics.micrometer;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Disables the compatibility-kit tests that check a Micrometer semantic the engine does not give, each with its
 * one-line reason (listed in docs/migration.md too; {@link KitExclusionsDocumentedTest} keeps the two in step). The kit's
 * tests live in Micrometer's jar, so they cannot carry {@code @Disabled} themselves.
 */
final class KitExclusions implements ExecutionCondition
{
    /** {@code <nested class simple name>.<method>} → reason. */
    static final Map<String, String> DISABLED = Map.of(
        "TimerTck.recordMax",
        "the engine's max is exact over every observation since the series was created; it does not decay per step");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context)
    {
        final Method method = context.getTestMethod().orElse(null);
        if (method == null)
        {
            return ConditionEvaluationResult.enabled("not a test method");
        }
        final String simple = method.getDeclaringClass().getName();
        final String key = simple.substring(simple.lastIndexOf('$') + 1) + "." + method.getName();
        final String reason = DISABLED.get(key);
        return reason == null ? ConditionEvaluationResult.enabled("kit test") :
            ConditionEvaluationResult.disabled(reason);
    }
}
