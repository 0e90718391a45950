package io.offsite.scheduler.api;

class UnauthorizedException extends RuntimeException {
    UnauthorizedException(String message) {
        super(message);
    }
}
