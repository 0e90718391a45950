package io.offsite.launcher;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --kafka} and {@code --kafka-credentials}: how a command that talks to Kafka itself finds the broker and logs in. */
final class KafkaOptions {

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Kafka's bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS, the credentials file, 127.0.0.1:9092)")
    String kafka;

    @Option(names = "--kafka-credentials", paramLabel = "FILE",
            description = "the local system's Kafka credentials (default: $OFFSITE_DATA_DIR/kafka-credentials.properties)")
    String kafkaCredentials;

    /** The broker and login these options and {@code env} name (see {@link CliKafka#resolve}). */
    CliKafka resolve(Map<String, String> env) {
        return CliKafka.resolve(env, kafka, kafkaCredentials);
    }
}
