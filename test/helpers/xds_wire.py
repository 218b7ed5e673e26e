"""Envoy's DiscoveryRequest and DiscoveryResponse on the wire, for tests that speak ADS without
Envoy (hostile or odd clients). Only the fields tests use, by their upstream field numbers:
Python has no generated Envoy API here."""
import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, struct_pb2

ADS = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"


def _messages():
    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="jibtest/ads_wire.proto", package="jibwire",
                                             syntax="proto3",
                                             dependency=["google/protobuf/struct.proto"])

    def field(msg, name, number, kind, repeated=False, type_name=None):
        f = msg.field.add(name=name, number=number, type=kind,
                          label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
        if type_name:
            f.type_name = type_name

    node = fdp.message_type.add(name="Node")
    field(node, "id", 1, F.TYPE_STRING)
    field(node, "metadata", 3, F.TYPE_MESSAGE, type_name=".google.protobuf.Struct")
    status = fdp.message_type.add(name="Status")  # google.rpc.Status
    field(status, "code", 1, F.TYPE_INT32)
    field(status, "message", 2, F.TYPE_STRING)
    req = fdp.message_type.add(name="DiscoveryRequest")
    field(req, "version_info", 1, F.TYPE_STRING)
    field(req, "node", 2, F.TYPE_MESSAGE, type_name=".jibwire.Node")
    field(req, "resource_names", 3, F.TYPE_STRING, repeated=True)
    field(req, "type_url", 4, F.TYPE_STRING)
    field(req, "response_nonce", 5, F.TYPE_STRING)
    field(req, "error_detail", 6, F.TYPE_MESSAGE, type_name=".jibwire.Status")
    resp = fdp.message_type.add(name="DiscoveryResponse")
    field(resp, "version_info", 1, F.TYPE_STRING)
    field(resp, "resources", 2, F.TYPE_BYTES, repeated=True)  # Any, kept opaque
    field(resp, "type_url", 4, F.TYPE_STRING)
    field(resp, "nonce", 5, F.TYPE_STRING)
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(struct_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(fdp)
    get = lambda n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n))  # noqa: E731
    return get("jibwire.DiscoveryRequest"), get("jibwire.DiscoveryResponse")


Request, Response = _messages()


def node_id(pod="app-0", ns="default", ip="127.0.0.1", kind="sidecar"):
    return f"{kind}~{ip}~{pod}.{ns}~{ns}.svc.cluster.local"


def request(type_url, node=None, names=(), version="", nonce="", error=None, metadata=None):
    r = Request(type_url=type_url, version_info=version, response_nonce=nonce)
    r.resource_names.extend(names)
    if node is not None:
        r.node.id = node
        if metadata:
            r.node.metadata.update(metadata)
    if error is not None:
        r.error_detail.code = 3
        r.error_detail.message = error
    return r


def ads_call(channel):
    """The ADS method on a channel: call(iterator of requests, timeout=...) -> responses."""
    return channel.stream_stream(ADS, request_serializer=Request.SerializeToString,
                                 response_deserializer=Response.FromString)


def plaintext(port):
    return grpc.insecure_channel(f"127.0.0.1:{port}",
                                 options=[("grpc.max_send_message_length", 64 << 20)])
