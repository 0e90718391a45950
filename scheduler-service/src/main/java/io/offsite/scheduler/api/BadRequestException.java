package io.offsite.scheduler.api;

class BadRequestException extends RuntimeException {
    BadRequestException(String message) {
        super(message);
    }
}
