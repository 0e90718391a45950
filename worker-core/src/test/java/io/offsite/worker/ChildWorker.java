package io.offsite.worker;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A worker instance in a process of its own, for tests that kill it: the test runtime ({@link RuntimeTestApplication})
 * with the given Kafka bootstrap servers, consumer group and name; any further arguments are passed to Spring.
 * Prints {@value #READY} once its consumers are started.
 */
public final class ChildWorker {

    static final String READY = "CHILD WORKER READY";

    private ChildWorker() {
    }

    public static void main(String[] args) {
        String[] settings = new String[args.length + 2];
        settings[0] = "--spring.kafka.bootstrap-servers=" + args[0];
        settings[1] = "--offsite.worker.group-id=" + args[1];
        settings[2] = "--spring.application.name=" + args[2];
        settings[3] = "--spring.kafka.consumer.client-id=" + args[2];
        settings[4] = "--spring.main.banner-mode=off";
        System.arraycopy(args, 3, settings, 5, args.length - 3);
        new SpringApplicationBuilder(RuntimeTestApplication.class).web(WebApplicationType.NONE).run(settings);
        System.out.println(READY);
    }
}
