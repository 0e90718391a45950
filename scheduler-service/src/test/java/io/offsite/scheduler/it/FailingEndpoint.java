package io.offsite.scheduler.it;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An endpoint that fails as a bug would; present only in the test instance that sets the property. */
@RestController
@ConditionalOnProperty("offsite.test.failing-endpoint")
class FailingEndpoint {

    static final String PATH = "/api/v1/test/failure";
    static final String INTERNALS = "connection to jdbc:postgresql://10.1.2.3/secret-db refused";

    @GetMapping(PATH)
    String fail() {
        throw new IllegalStateException(INTERNALS);
    }
}
