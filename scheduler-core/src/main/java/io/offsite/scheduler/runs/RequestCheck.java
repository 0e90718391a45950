package io.offsite.scheduler.runs;

import java.util.Optional;

/**
 * What the shared bus accepts of a request (sizes and characters of its identifiers and parameters): a request the
 * scheduler publishes and the bus would refuse is not folded, exactly as if it had been read back and ignored. The
 * scheduler service checks requests read from the bus with the same rules.
 */
@FunctionalInterface
public interface RequestCheck {

    RequestCheck NONE = request -> Optional.empty();

    /** Why {@code request} is refused, or empty when it is accepted. */
    Optional<Ignored> refusal(Requested request);
}
