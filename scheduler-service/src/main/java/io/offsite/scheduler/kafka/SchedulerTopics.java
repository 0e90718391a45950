package io.offsite.scheduler.kafka;

import io.offsite.events.Topics;
import java.util.ArrayList;
import java.util.List;

/** Topics the scheduler reads to rebuild its state, and its own leadership topic. */
public final class SchedulerTopics {

    /** Default single-partition topic used only for leader election (no records are written to it). */
    public static final String LEADERSHIP = Topics.SCHEDULER_LEADERSHIP;

    private SchedulerTopics() {
    }

    /** The job-events topic and every request topic, in that order. */
    public static List<String> stateTopics() {
        List<String> topics = new ArrayList<>();
        topics.add(Topics.JOB_EVENTS);
        for (Topics.JobType type : Topics.JobType.values()) {
            topics.add(type.requestTopic());
        }
        return List.copyOf(topics);
    }
}
