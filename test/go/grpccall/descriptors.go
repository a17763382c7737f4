package main

import (
	"fmt"
	"io/ioutil"
	"strings"

	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// resolver finds services by full name (a *protoregistry.Files).
type resolver interface {
	FindDescriptorByName(protoreflect.FullName) (protoreflect.Descriptor, error)
}

// loadDescriptors reads a FileDescriptorSet that holds every file its files import.
func loadDescriptors(path string) (resolver, error) {
	b, err := ioutil.ReadFile(path)
	if err != nil {
		return nil, err
	}
	set := &descriptorpb.FileDescriptorSet{}
	if err := proto.Unmarshal(b, set); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	files, err := protodesc.NewFiles(set)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return files, nil
}

// findMethod resolves "/package.Service/Method".
func findMethod(files resolver, name string) (protoreflect.MethodDescriptor, error) {
	parts := strings.Split(strings.TrimPrefix(name, "/"), "/")
	if len(parts) != 2 {
		return nil, fmt.Errorf("method %q is not /package.Service/Method", name)
	}
	d, err := files.FindDescriptorByName(protoreflect.FullName(parts[0]))
	if err != nil {
		return nil, fmt.Errorf("service of %s: %v", name, err)
	}
	svc, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a service", parts[0])
	}
	m := svc.Methods().ByName(protoreflect.Name(parts[1]))
	if m == nil {
		return nil, fmt.Errorf("service %s has no method %s", parts[0], parts[1])
	}
	if m.IsStreamingClient() {
		return nil, fmt.Errorf("%s streams from the client, which this program does not do", name)
	}
	return m, nil
}

func newMessage(d protoreflect.MessageDescriptor) proto.Message {
	return dynamicpb.NewMessage(d)
}

// codec marshals with google.golang.org/protobuf, which handles dynamicpb messages; grpc 1.33's
// own "proto" codec goes through github.com/golang/protobuf 1.3, which does not. It registers
// under grpc's default name, "proto", so requests keep the plain content-type
// "application/grpc" that a chain node's client sends (grpc.ForceCodec would add "+proto").
type codec struct{}

func (codec) Name() string { return "proto" }

func (codec) Marshal(v interface{}) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("codec: %T is not a proto.Message", v)
	}
	return proto.Marshal(m)
}

func (codec) Unmarshal(b []byte, v interface{}) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("codec: %T is not a proto.Message", v)
	}
	return proto.Unmarshal(b, m)
}

// Package main's init runs after grpc's, so this replaces grpc's default codec.
func init() { encoding.RegisterCodec(codec{}) }
