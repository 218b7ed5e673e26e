"""A small ADS client for tests that talk to jibd's xDS ports directly (needs grpcio and
protobuf). Python has no generated Envoy API here, so the messages carry only the fields these
tests use, by their upstream field numbers.

  Request, Response, Secret   message classes (envoy DiscoveryRequest/Response, tls Secret)
  AdsStream(channel, node_id, metadata, token=None)
      .subscribe(type_url, names)   a request (the first carries the node)
      .next(timeout)                the next DiscoveryResponse; raises on timeout or error
      .ack(response)                ACKs it
      .nack(response, message)      NACKs it with error_detail.message
      .next_matching(pred, timeout) ACKs responses until one satisfies pred; returns it
      .close()
  secrets(response) -> {name: Secret}
"""
import queue
import threading
import time

import grpc
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory, struct_pb2

ADS = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"


def _messages():
    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(
        name="jibtest/ads.proto", package="jibtest", syntax="proto3",
        dependency=["google/protobuf/struct.proto", "google/protobuf/any.proto"])

    def message(name, fields):
        m = fdp.message_type.add(name=name)
        for fname, number, ftype, type_name, repeated in fields:
            f = m.field.add(name=fname, number=number, type=ftype,
                            label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
            if type_name:
                f.type_name = type_name

    s, b, msg = F.TYPE_STRING, F.TYPE_BYTES, F.TYPE_MESSAGE
    message("Node", [("id", 1, s, None, False),
                     ("metadata", 3, msg, ".google.protobuf.Struct", False)])
    message("Status", [("code", 1, F.TYPE_INT32, None, False),  # google.rpc.Status
                       ("message", 2, s, None, False)])
    message("DiscoveryRequest", [("version_info", 1, s, None, False),
                                 ("node", 2, msg, ".jibtest.Node", False),
                                 ("resource_names", 3, s, None, True),
                                 ("type_url", 4, s, None, False),
                                 ("response_nonce", 5, s, None, False),
                                 ("error_detail", 6, msg, ".jibtest.Status", False)])
    message("DiscoveryResponse", [("version_info", 1, s, None, False),
                                  ("resources", 2, msg, ".google.protobuf.Any", True),
                                  ("type_url", 4, s, None, False),
                                  ("nonce", 5, s, None, False)])
    message("DataSource", [("inline_bytes", 2, b, None, False)])
    message("TlsCertificate", [("certificate_chain", 1, msg, ".jibtest.DataSource", False),
                               ("private_key", 2, msg, ".jibtest.DataSource", False)])
    message("ValidationContext", [("trusted_ca", 1, msg, ".jibtest.DataSource", False)])
    message("Secret", [("name", 1, s, None, False),
                       ("tls_certificate", 2, msg, ".jibtest.TlsCertificate", False),
                       ("validation_context", 4, msg, ".jibtest.ValidationContext", False)])
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(struct_pb2.DESCRIPTOR.serialized_pb)
    pool.AddSerializedFile(any_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(fdp)
    get = lambda n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n))  # noqa: E731
    return get("jibtest.DiscoveryRequest"), get("jibtest.DiscoveryResponse"), get("jibtest.Secret")


Request, Response, Secret = _messages()


def secrets(response):
    """The Secrets of an SDS response, by name."""
    out = {}
    for res in response.resources:
        secret = Secret.FromString(res.value)
        out[secret.name] = secret
    return out


class AdsStream:
    """One ADS stream on `channel`; responses are read by a thread so that next() can time out."""

    def __init__(self, channel, node_id, metadata, token=None, timeout=60):
        self._node_id, self._metadata = node_id, metadata
        self._sent_node = False
        self._requests = queue.Queue()
        self._responses = queue.Queue()
        call = channel.stream_stream(ADS, request_serializer=Request.SerializeToString,
                                     response_deserializer=Response.FromString)
        md = [("authorization", f"Bearer {token}")] if token else None
        self._call = call(iter(self._requests.get, None), metadata=md, timeout=timeout)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._names = {}

    def _read(self):
        try:
            for response in self._call:
                self._responses.put(response)
        except grpc.RpcError as e:
            self._responses.put(e)

    def _request(self, **fields):
        req = Request(**fields)
        if not self._sent_node:
            req.node.id = self._node_id
            req.node.metadata.update(self._metadata)
            self._sent_node = True
        self._requests.put(req)

    def subscribe(self, type_url, names=()):
        self._names[type_url] = list(names)
        self._request(type_url=type_url, resource_names=list(names))

    def next(self, timeout=10):
        item = self._responses.get(timeout=timeout)
        if isinstance(item, grpc.RpcError):
            raise item
        return item

    def ack(self, response):
        self._request(type_url=response.type_url, version_info=response.version_info,
                      response_nonce=response.nonce,
                      resource_names=self._names.get(response.type_url, []))

    def nack(self, response, message):
        self._request(type_url=response.type_url, version_info=response.version_info,
                      response_nonce=response.nonce,
                      resource_names=self._names.get(response.type_url, []),
                      error_detail={"code": 3, "message": message})

    def next_matching(self, pred, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            response = self.next(timeout=max(0.0, deadline - time.monotonic()))
            self.ack(response)
            if pred(response):
                return response

    def close(self):
        self._requests.put(None)
        self._call.cancel()
        self._reader.join(timeout=5)
