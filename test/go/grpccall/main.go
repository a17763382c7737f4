// Command grpccall calls gRPC methods by full name with grpc-go, the gRPC implementation a
// Cosmos chain node uses to reach its oracle side-car, and prints each result as a JSON line.
// The e2e tests use it so that the side-car's gRPC server is exercised by grpc-go's HTTP/2 and
// wire behaviour rather than by grpc-js on both ends.
//
// Usage:
//
//	grpccall -descriptors SET.pb [-timeout 10s] [-parallel] TARGET METHOD [REQUEST] [METHOD [REQUEST]]...
//	grpccall -write-wkt FILE
//
// TARGET is a plaintext host:port. METHOD is a full name such as /connect.service.v2.Oracle/Prices
// or /grpc.health.v1.Health/Check; REQUEST is the request message in protojson ("{}" when left
// out). SET.pb is a FileDescriptorSet (protoc --include_imports --descriptor_set_out); messages
// are built from it with dynamicpb, so no generated stubs are needed.
//
// Output, one JSON object per line (protojson with proto field names and unpopulated fields):
//
//	unary call:       {"call":I,"code":C,"message":M,"response":{...}}   (no "response" when C != 0)
//	server streaming: {"call":I,"response":{...}} per message, then {"call":I,"code":C,"message":M}
//
// I is the call's index on the command line, C the gRPC status code (0 = OK) and M its message.
// Calls run one after another on one connection, or all at once with -parallel.
// Exit code: 0 when every call ended OK, 1 when any ended with another status, 2 on usage,
// descriptor or request errors (reported on stderr).
//
// -write-wkt writes a FileDescriptorSet of google/protobuf/timestamp.proto, compiled into this
// program, for protoc --descriptor_set_in: Debian's protobuf-compiler ships no .proto include
// files of its own.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// call is one METHOD [REQUEST] pair from the command line, resolved against the descriptors.
type call struct {
	name    string
	method  protoreflect.MethodDescriptor
	request proto.Message
}

func main() {
	descriptors := flag.String("descriptors", "", "FileDescriptorSet with the services to call")
	timeout := flag.Duration("timeout", 10*time.Second, "deadline of each call (a stream's whole life)")
	parallel := flag.Bool("parallel", false, "start every call at once instead of one after another")
	wkt := flag.String("write-wkt", "", "write the well-known types' FileDescriptorSet to this file and exit")
	flag.Parse()

	if *wkt != "" {
		set := &descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{
			protodesc.ToFileDescriptorProto(timestamppb.File_google_protobuf_timestamp_proto),
		}}
		b, err := proto.Marshal(set)
		if err == nil {
			err = ioutil.WriteFile(*wkt, b, 0o644)
		}
		if err != nil {
			fail(err)
		}
		return
	}
	args := flag.Args()
	if *descriptors == "" || len(args) < 2 {
		flag.Usage()
		os.Exit(2)
	}
	files, err := loadDescriptors(*descriptors)
	if err != nil {
		fail(err)
	}
	calls, err := parseCalls(files, args[1:])
	if err != nil {
		fail(err)
	}
	conn, err := grpc.Dial(args[0], grpc.WithInsecure())
	if err != nil {
		fail(err)
	}
	defer conn.Close()

	out := &printer{}
	var wg sync.WaitGroup
	for i, c := range calls {
		run := func(i int, c call) {
			ctx, cancel := context.WithTimeout(context.Background(), *timeout)
			defer cancel()
			if c.method.IsStreamingServer() {
				serverStream(ctx, conn, out, i, c)
			} else {
				unary(ctx, conn, out, i, c)
			}
		}
		if !*parallel {
			run(i, c)
			continue
		}
		wg.Add(1)
		go func(i int, c call) {
			defer wg.Done()
			run(i, c)
		}(i, c)
	}
	wg.Wait()
	if out.failed {
		os.Exit(1)
	}
}

// parseCalls turns METHOD [REQUEST] ... into calls: an argument starting with "/" is a method,
// any other argument is the request of the method before it.
func parseCalls(files resolver, args []string) ([]call, error) {
	var calls []call
	for _, a := range args {
		if strings.HasPrefix(a, "/") {
			m, err := findMethod(files, a)
			if err != nil {
				return nil, err
			}
			calls = append(calls, call{name: a, method: m, request: newMessage(m.Input())})
			continue
		}
		if len(calls) == 0 {
			return nil, fmt.Errorf("request %q comes before any method", a)
		}
		last := &calls[len(calls)-1]
		if err := protojson.Unmarshal([]byte(a), last.request); err != nil {
			return nil, fmt.Errorf("request of %s: %v", last.name, err)
		}
	}
	return calls, nil
}

func unary(ctx context.Context, conn *grpc.ClientConn, out *printer, i int, c call) {
	reply := newMessage(c.method.Output())
	if err := conn.Invoke(ctx, c.name, c.request, reply); err != nil {
		out.status(i, err)
		return
	}
	out.result(i, reply)
}

func serverStream(ctx context.Context, conn *grpc.ClientConn, out *printer, i int, c call) {
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, c.name)
	if err == nil {
		err = stream.SendMsg(c.request)
	}
	if err == nil {
		err = stream.CloseSend()
	}
	for err == nil {
		reply := newMessage(c.method.Output())
		if err = stream.RecvMsg(reply); err == nil {
			out.message(i, reply)
		}
	}
	out.status(i, err)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "grpccall:", err)
	os.Exit(2)
}
