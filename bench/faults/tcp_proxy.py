#!/usr/bin/env python3
"""A loopback TCP proxy the fault suite can take down and bring back.

    tcp_proxy.py LISTEN_PORT TARGET_PORT

SIGUSR1: outage — stop listening (new connections are refused) and drop every open connection.
SIGUSR2: recovery — listen again. Loopback only, standard library only.
"""
import signal
import socket
import sys
import threading

HOST = "127.0.0.1"
listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
lock = threading.Lock()
connections = set()
state = {"server": None, "up": True}


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        with lock:
            connections.discard(src)
            connections.discard(dst)


def open_server():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, listen_port))
    server.listen(128)
    return server


def serve(server):
    while True:
        try:
            client, _ = server.accept()
        except OSError:
            return  # closed for an outage
        try:
            upstream = socket.create_connection((HOST, target_port), timeout=5)
            upstream.settimeout(None)
        except OSError:
            client.close()
            continue
        with lock:
            if not state["up"]:
                client.close()
                upstream.close()
                continue
            connections.update((client, upstream))
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


def start():
    server = open_server()
    state["server"] = server
    threading.Thread(target=serve, args=(server,), daemon=True).start()


def down(*_):
    with lock:
        if not state["up"]:
            return
        state["up"] = False
        server = state["server"]
        open_now = list(connections)
    try:
        server.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    server.close()
    for s in open_now:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()
    print("down", flush=True)


def up(*_):
    with lock:
        if state["up"]:
            return
        state["up"] = True
    start()
    print("up", flush=True)


signal.signal(signal.SIGUSR1, down)
signal.signal(signal.SIGUSR2, up)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
start()
print(f"proxy 127.0.0.1:{listen_port} -> 127.0.0.1:{target_port}", flush=True)
while True:
    signal.pause()
