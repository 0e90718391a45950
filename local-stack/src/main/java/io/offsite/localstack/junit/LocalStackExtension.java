package io.offsite.localstack.junit;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.KafkaBroker;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests the per-JVM {@link LocalStack} infrastructure as parameters:
 * {@link KafkaBroker}, {@link S3Server}, {@link S3Endpoint} or {@link PostgresEndpoint}. Each is started on
 * first use and shared by every test class in the JVM.
 */
public final class LocalStackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == S3Server.class || type == S3Endpoint.class || type == PostgresEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == KafkaBroker.class) {
            return LocalStack.kafka();
        }
        if (type == S3Server.class) {
            return LocalStack.s3Server();
        }
        if (type == S3Endpoint.class) {
            return LocalStack.s3();
        }
        return LocalStack.postgres();
    }
}
