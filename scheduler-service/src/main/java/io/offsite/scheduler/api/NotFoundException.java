package io.offsite.scheduler.api;

class NotFoundException extends RuntimeException {
    NotFoundException(String message) {
        super(message);
    }
}
