package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// jsonOptions prints proto field names (market_map, metadata_JSON) and unpopulated fields
// (false, "", null for an unset message), the shape of grpc-gateway's REST bodies.
var jsonOptions = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

// line is one output line; see the package comment.
type line struct {
	Call     int             `json:"call"`
	Code     *codes.Code     `json:"code,omitempty"`
	Message  *string         `json:"message,omitempty"`
	Response json.RawMessage `json:"response,omitempty"`
}

// printer writes whole lines to stdout, one at a time, and remembers whether any call failed.
type printer struct {
	mu     sync.Mutex
	failed bool
}

func (p *printer) write(l line) {
	b, err := json.Marshal(l)
	if err != nil {
		fail(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Code != nil && *l.Code != codes.OK {
		p.failed = true
	}
	fmt.Fprintf(os.Stdout, "%s\n", b)
}

func (p *printer) encode(m proto.Message) json.RawMessage {
	b, err := jsonOptions.Marshal(m)
	if err != nil {
		fail(err)
	}
	return b
}

// result ends a unary call that succeeded.
func (p *printer) result(i int, m proto.Message) {
	ok, empty := codes.OK, ""
	p.write(line{Call: i, Code: &ok, Message: &empty, Response: p.encode(m)})
}

// message is one message of a server stream.
func (p *printer) message(i int, m proto.Message) {
	p.write(line{Call: i, Response: p.encode(m)})
}

// status ends a call with err's gRPC status; io.EOF is a stream's clean end (OK).
func (p *printer) status(i int, err error) {
	code, msg := codes.OK, ""
	if err != io.EOF {
		s := status.Convert(err)
		code, msg = s.Code(), s.Message()
	}
	p.write(line{Call: i, Code: &code, Message: &msg})
}
