// Copyright 2025 The OPA Authors
// SPDX-License-Identifier: Apache-2.0

// vm implements Rego interpreter evaluating compiled Rego IR.
package vm

import (
	"context"
	gjson "encoding/json"
	"errors"
	"io"
	"os"
	gstrings "strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/server"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
	"github.com/open-policy-agent/opa/v1/topdown/cache"
	"github.com/open-policy-agent/opa/v1/topdown/print"
	"github.com/open-policy-agent/opa/v1/tracing"

	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

var (
	ErrVarAssignConflict         = errors.New("var assignment conflict")
	ErrObjectInsertConflict      = errors.New("object insert conflict")
	ErrFunctionCallToData        = errors.New("function call to data")
	ErrInvalidExecutable         = errors.New("invalid executable")
	ErrQueryNotFound             = errors.New("query not found")
	ErrInstructionsLimitExceeded = errors.New("instructions limit exceeded")

	DefaultLimits = Limits{
		Instructions: 100000000,
	}

	registersPool = sync.Pool{
		New: newRegisterPoolElement,
	}

	statePool = sync.Pool{
		New: newStateElement,
	}

	intermediateResultsMode = gstrings.ToUpper(gstrings.TrimSpace(os.Getenv("OPA_DECISIONS_INTERMEDIATE_RESULTS"))) // Legal values are NO_VALUE, SHA256, VALUE
)

const (
	intermediateResultsDisabled    = ""
	intermediateResultsNoValueMode = "NO_VALUE"
	intermediateResultsHashMode    = "SHA256"
	intermediateResultsValueMode   = "VALUE"
)

type (
	VM struct {
		executable   Executable
		data         *any
		ops          DataOperations
		stringsCache []atomic.Pointer[fjson.String]
	}

	EvalOpts struct {
		Time                        time.Time
		PrintHook                   print.Hook
		Metrics                     metrics.Metrics
		Seed                        io.Reader
		Runtime                     any
		InterQueryBuiltinCache      cache.InterQueryCache
		InterQueryBuiltinValueCache cache.InterQueryValueCache
		Input                       *any // Input as golang native data.
		Limits                      *Limits
		Cache                       builtins.Cache
		NDBCache                    builtins.NDBCache
		Capabilities                *ast.Capabilities
		BuiltinFuncs                map[string]*topdown.Builtin
		TracingOpts                 tracing.Options
		StrictBuiltinErrors         bool
		ExternalCancel              topdown.Cancel
		QueryTracers                []topdown.QueryTracer
	}

	// State holds all the evaluation state and is passed along the statements as the evaluation progresses.
	State struct {
		args    [4]Value
		Globals *Globals
		stats   *Statistics
		locals  Locals
	}

	Globals struct {
		Time                        time.Time
		Metrics                     metrics.Metrics
		PrintHook                   print.Hook
		InterQueryBuiltinCache      cache.InterQueryCache
		InterQueryBuiltinValueCache cache.InterQueryValueCache
		Ctx                         context.Context
		Seed                        io.Reader
		cancel                      cancel
		Cache                       builtins.Cache
		vm                          *VM
		BuiltinFuncs                map[string]*topdown.Builtin
		Capabilities                *ast.Capabilities
		Input                       *any
		NDBCache                    builtins.NDBCache
		Runtime                     *ast.Term
		ResultSet                   fjson.Set
		BuiltinErrors               []error
		TracingOpts                 tracing.Options
		memoize                     []map[k]Value
		Limits                      Limits
		StrictBuiltinErrors         bool
		IntermediateResults         map[int]any
		QueryTracers                []topdown.QueryTracer
	}

	Limits struct {
		Instructions int64
	}

	Locals struct {
		registers registersList
		data      bitset
		ret       Local // function return value
	}

	registersList struct {
		next      *registersList // linked list of sync.Pool objects
		registers [registersSize]Value
	}

	Value any

	Local        int
	LocalOrConst struct {
		t int
		v int
	}

	BoolConst        bool
	StringIndexConst int

	cancel struct {
		exit      chan struct{}
		value     int32
		extCancel topdown.Cancel
	}
)

func NewLocal(v int) LocalOrConst {
	return LocalOrConst{localType, v}
}

func NewBoolConst(v bool) LocalOrConst {
	if v {
		return LocalOrConst{boolConstType, 1}
	}

	return LocalOrConst{boolConstType, 0}
}

func NewStringIndexConst(v int) LocalOrConst {
	return LocalOrConst{stringIndexConstType, v}
}

func (l *LocalOrConst) Type() int {
	return l.t
}

func (l *LocalOrConst) Local() Local {
	return Local(l.v)
}

func (l *LocalOrConst) BoolConst() BoolConst {
	return BoolConst(l.v != 0)
}

func (l *LocalOrConst) StringIndexConst() StringIndexConst {
	return StringIndexConst(l.v)
}

const (
	// Input is the local variable that refers to the global input document.
	Input  Local = iota
	Data         // Data is the local variable that refers to the global data document.
	Unused       // Unused is the free local variable that can be allocated in a plan.
)

// registersSize: tradeoff between pre-allocating too much and not enough; tested values 4, 8 and 16
const registersSize int = 32

func newRegisterPoolElement() any {
	l := new(registersList)
	for i := range l.registers {
		l.registers[i] = undefined()
	}
	return l
}

func newStateElement() any {
	return &State{}
}

func NewVM() *VM {
	return &VM{}
}

func (vm *VM) WithExecutable(executable Executable) *VM {
	vm.executable = executable
	vm.stringsCache = make([]atomic.Pointer[fjson.String], executable.Strings().Len())
	return vm
}

// WithDataNamespace hooks an external namespace implementation to use
// as 'data.'.
func (vm *VM) WithDataNamespace(data any) *VM {
	vm.data = &data
	return vm
}

// WithDataJSON stores golang native data for the evaluation to use as
// 'data.'.
func (vm *VM) WithDataJSON(data any) *VM {
	vm.data = &data
	return vm
}

// Eval evaluates the query with the options given. Eval is thread
// safe. Return value is of ast.Value for now.
func (vm *VM) Eval(ctx context.Context, name string, opts EvalOpts) (ast.Value, error) {
	if !vm.executable.IsValid() {
		return nil, ErrInvalidExecutable
	}

	plans := vm.executable.Plans()
	n := plans.Len()

	for i := 0; i < n; i++ {
		plan := plans.Plan(i)
		if plan.Name() != name {
			continue
		}

		var input *any
		if opts.Input != nil {
			var err error
			var i any
			i, err = vm.ops.FromInterface(ctx, *opts.Input)
			if err != nil {
				return nil, err
			}
			input = &i
		}

		if opts.Time.IsZero() {
			opts.Time = time.Now()
		}

		cacheKey, err := vm.getEvalCacheKey(ctx, i, input)
		if err != nil {
			return nil, err
		} else if result, ok := vm.checkEvalCache(opts.InterQueryBuiltinCache, cacheKey, opts.Time); ok {
			return result, nil
		}

		if opts.Limits == nil {
			opts.Limits = &DefaultLimits
		}

		runtime, err := vm.runtime(ctx, opts.Runtime)
		if err != nil {
			return nil, err
		}

		globals := &Globals{
			vm:                          vm,
			Limits:                      *opts.Limits,
			memoize:                     []map[k]Value{{}},
			Ctx:                         ctx,
			Input:                       input,
			Metrics:                     opts.Metrics,
			Time:                        opts.Time,
			Seed:                        opts.Seed,
			Runtime:                     runtime,
			PrintHook:                   opts.PrintHook,
			StrictBuiltinErrors:         opts.StrictBuiltinErrors,
			NDBCache:                    opts.NDBCache,
			Capabilities:                opts.Capabilities,
			TracingOpts:                 opts.TracingOpts,
			BuiltinFuncs:                opts.BuiltinFuncs,
			ResultSet:                   vm.ops.MakeSet(),
			Cache:                       opts.Cache,
			InterQueryBuiltinCache:      opts.InterQueryBuiltinCache,
			InterQueryBuiltinValueCache: opts.InterQueryBuiltinValueCache,
			IntermediateResults:         make(map[int]any),
			QueryTracers:                opts.QueryTracers,
		}
		// If we're provided an external (probably shared) topdown.Cancel, let's
		// use it.
		if opts.ExternalCancel != nil {
			globals.cancel.FromTopdownCancel(opts.ExternalCancel)
		} else {
			// We manage our own eval cancellation with a one-off goroutine.
			globals.cancel.Init(ctx)
			defer globals.cancel.Exit()
		}

		state := newState(globals, StatisticsGet(ctx))
		defer state.Release()

		globals.Ctx = context.WithValue(globals.Ctx, regoEvalOptsContextKey{}, EvalOpts{
			Limits:              &globals.Limits, // TODO: Relay the instruction count.
			Metrics:             globals.Metrics,
			Time:                globals.Time,
			Seed:                globals.Seed,
			Runtime:             globals.Runtime,
			PrintHook:           globals.PrintHook,
			StrictBuiltinErrors: globals.StrictBuiltinErrors,
			NDBCache:            globals.NDBCache,
			Capabilities:        globals.Capabilities,
		})
		globals.Ctx = context.WithValue(globals.Ctx, regoEvalNamespaceContextKey{}, vm.data)

		if err := plan.Execute(state); err != nil {
			return nil, err
		}

		if opts.StrictBuiltinErrors && len(globals.BuiltinErrors) > 0 {
			return nil, globals.BuiltinErrors[0]
		}

		switch intermediateResultsMode {
		case intermediateResultsDisabled: // nothing to do
		case intermediateResultsNoValueMode, intermediateResultsHashMode, intermediateResultsValueMode:
			if m := getIntermediateResults(ctx); m != nil {
				fs := vm.executable.Functions()

				for id, results := range globals.IntermediateResults {
					if f := fs.Function(id); !f.IsBuiltin() {
						name := gstrings.TrimPrefix(f.Name(), "g0.data.")

						switch intermediateResultsMode {
						case intermediateResultsNoValueMode:
							m[name] = nil

						case intermediateResultsHashMode:
							// Convert the map used to filter out duplicates to slice.

							results := results.(map[string]struct{})
							l := make([]any, 0, len(results))

							for hash := range results {
								l = append(l, hash)
							}

							m[name] = l

						case intermediateResultsValueMode:
							// No conversion, return all computed values, including duplicates.
							m[name] = results
						}
					}
				}
			}
		}

		r, err := vm.ops.ToAST(ctx, globals.ResultSet)
		if err != nil {
			return nil, err
		}

		vm.putEvalCache(opts.InterQueryBuiltinCache, cacheKey, r, globals.Time)

		return r, nil
	}

	return nil, ErrQueryNotFound
}

func getIntermediateResults(ctx context.Context) map[string]any {
	// Result is recorded into context in statements call.Execute.
	v := ctx.Value(server.IntermediateResultsContextKey{})
	if v == nil {
		return nil
	}

	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}

	return m
}

func (vm *VM) runtime(ctx context.Context, v any) (*ast.Term, error) {
	var runtime ast.Value
	if v != nil {
		switch v := v.(type) {
		case ast.Value:
			runtime = v
		case *ast.Term:
			runtime = v.Value
		default:
			ok, err := vm.ops.IsObject(ctx, v)
			if err != nil {
				return nil, err
			}
			if !ok {
				v, err = vm.ops.FromInterface(ctx, v)
				if err != nil {
					return nil, err
				}
			}

			runtime, err = vm.ops.ToAST(ctx, v)
			if err != nil {
				return nil, err
			}
		}
	} else {
		runtime = ast.NewObject()
	}

	return ast.NewTerm(runtime), nil
}

func (vm *VM) getCachedString(i StringIndexConst) (*fjson.String, bool) {
	if int(i) >= len(vm.stringsCache) {
		return nil, false
	}

	value := vm.stringsCache[int(i)].Load()
	return value, value != nil
}

func (vm *VM) setCachedString(i StringIndexConst, value *fjson.String) {
	vm.stringsCache[int(i)].Store(value)
}

type bitset struct {
	rest []bool
	base uint64
}

const baseBits = 64

func (b *bitset) set(i int, v bool) {
	if i < baseBits {
		if v {
			b.base |= (1 << i)
		} else {
			b.base &= ^(1 << i)
		}
		return
	}

	i -= baseBits

	if l := len(b.rest); l <= i {
		if !v {
			return
		}

		b.rest = append(b.rest, make([]bool, i-l+1)...)
	}

	b.rest[i] = v
}

func (b *bitset) isSet(i int) bool {
	if i < baseBits {
		return (b.base & (1 << i)) > 0
	}

	i -= baseBits

	if l := len(b.rest); l <= i {
		return false
	}

	return b.rest[i]
}

func newState(globals *Globals, stats *Statistics) *State {
	s := statePool.Get().(*State)

	s.Globals = globals
	s.locals = Locals{ret: -1}
	s.stats = stats

	s.locals.data.set(int(Data), true)

	if globals.Input != nil {
		s.SetValue(Input, *globals.Input)
	}

	if globals.vm.data != nil {
		s.SetValue(Data, *globals.vm.data)
	}
	return s
}

func (s *State) Release() {
	p := s.locals.registers.next
	var next *registersList
	for ; p != nil; p = next {
		for i := range p.registers {
			p.registers[i] = undefined() // release Values
		}
		next = p.next
		p.next = nil
		registersPool.Put(p) //nolint: staticcheck
	}

	*s = State{}
	statePool.Put(s)
}

func (s *State) New() *State {
	return newState(s.Globals, s.stats)
}

func (s *State) ValueOps() *DataOperations {
	return &s.Globals.vm.ops
}

func (s *State) Func(f int) function {
	return s.Globals.vm.executable.Functions().Function(f)
}

func (s *State) FindByPath(path []string) (function, int) {
	functions := s.Globals.vm.executable.Functions()

next:
	for i := 0; i < functions.Len(); i++ {
		function := functions.Function(i)
		if function.IsBuiltin() {
			continue
		}

		if len(path) == int(function.PathLen()) {
			if err := function.PathIter(func(i uint32, arg string) error {
				if path[i] != arg {
					return ErrQueryNotFound // actual error is ignored
				}
				return nil
			}); err != nil {
				continue next
			}

			return function, i
		}
	}

	return nil, -1
}

func (s *State) IsDefined(v LocalOrConst) bool {
	switch v.Type() {
	case localType:
		v := v.Local()
		return !isUndefinedType(s.findReg(v).registers[int(v)%registersSize])
	default:
		return true
	}
}

func (s *State) IsLocalDefined(v Local) bool {
	return !isUndefinedType(s.findReg(v).registers[int(v)%registersSize])
}

func (s *State) Value(v LocalOrConst) Value {
	switch v.Type() {
	case localType:
		v := v.Local()
		return s.findReg(v).registers[int(v)%registersSize]
	case boolConstType:
		return s.ValueOps().MakeBoolean(bool(v.BoolConst()))
	case stringIndexConstType:
		return s.Globals.vm.executable.Strings().String(s.Globals.vm, v.StringIndexConst())
	}

	return nil
}

func (s *State) Local(v Local) Value {
	return s.findReg(v).registers[int(v)%registersSize]
}

func (s *State) String(v StringIndexConst) *fjson.String {
	return s.Globals.vm.executable.Strings().String(s.Globals.vm, v)
}

// Return returns the variable holding the function result.
func (s *State) Return() (Local, bool) {
	ret := s.locals.ret
	return ret, ret >= 0
}

func (s *State) Set(target Local, source LocalOrConst) {
	switch source.Type() {
	case localType:
		v := source.Local()
		r1, r2 := s.find2Regs(target, v)
		r1.registers[int(target)%registersSize] = r2.registers[int(v)%registersSize]

	case boolConstType:
		v := source.BoolConst()
		s.findReg(target).registers[int(target)%registersSize] = s.Globals.vm.ops.MakeBoolean(bool(v))

	case stringIndexConstType:
		v := source.StringIndexConst()
		s.findReg(target).registers[int(target)%registersSize] = s.Globals.vm.executable.Strings().String(s.Globals.vm, v)
	}
}

func (s *State) SetLocal(target Local, source Local) {
	v := source
	r1, r2 := s.find2Regs(target, v)
	r1.registers[int(target)%registersSize] = r2.registers[int(v)%registersSize]
}

func (s *State) SetReturn(source Local) {
	s.locals.SetReturn(source, !isUndefinedType(s.findReg(source).registers[int(source)%registersSize]))
}

func (s *State) SetReturnValue(source Local, value Value) {
	s.locals.SetReturn(source, true)
	s.SetValue(source, value)
}

func (s *State) SetValue(target Local, value Value) {
	s.findReg(target).registers[int(target)%registersSize] = value
}

func (s *State) SetData(l Local) {
	s.locals.data.set(int(l), true)
}

func (s *State) IsData(l Local) bool {
	return s.locals.data.isSet(int(l))
}

func (s *State) DataGet(ctx context.Context, value, key any) (any, bool, error) {
	if y, ok, err := s.ValueOps().Get(ctx, value, key); ok || err != nil {
		return y, ok, err
	}
	x, err := s.ValueOps().ToInterface(ctx, key)
	if err != nil {
		return nil, false, err
	}
	switch x := x.(type) {
	case gjson.Number:
		return s.ValueOps().Get(ctx, value, s.ValueOps().MakeString(string(x)))
	}
	return nil, false, nil
}

func (s *State) Unset(target Local) {
	s.findReg(target).registers[int(target)%registersSize] = undefined()
	s.locals.data.set(int(target), false)
}

func (s *State) MemoizePush() {
	s.Globals.memoize = append(s.Globals.memoize, map[k]Value{})
}

func (s *State) MemoizePop() {
	s.Globals.memoize = s.Globals.memoize[0 : len(s.Globals.memoize)-1]
}

func h(v Value) arg { // NB: inline? leaks?
	if f, ok := v.(*fjson.String); ok {
		return arg{s: f.Value()}
	}
	return arg{a: v}
}

type k struct {
	args any
	idx  int
}

type arg struct {
	a any
	s string
}

func (s *State) MemoizeGet(idx int, args []Value) (Value, bool) {
	// Do not share a key construction function with Insert to
	// avoid Get from allocating the key from heap: golang would
	// have to emit a function allocating the key from heap.

	key := k{idx: idx}
	switch len(args) {
	case 0:
	case 1:
		key.args = h(args[0])
	case 2:
		key.args = [...]arg{h(args[0]), h(args[1])}
	case 3:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2])}
	case 4:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3])}
	case 5:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4])}
	case 6:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5])}
	case 7:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5]), h(args[6])}
	case 8:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5]), h(args[6]), h(args[7])}
	case 9:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5]), h(args[6]), h(args[7]), h(args[8])}
	default:
		panic("arity > 9, unreachable")
	}

	v, ok := s.Globals.memoize[len(s.Globals.memoize)-1][key]
	return v, ok
}

func (s *State) MemoizeInsert(idx int, args []Value, value Value) {
	key := k{idx: idx}
	switch len(args) {
	case 0:
	case 1:
		key.args = h(args[0])
	case 2:
		key.args = [...]arg{h(args[0]), h(args[1])}
	case 3:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2])}
	case 4:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3])}
	case 5:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4])}
	case 6:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5])}
	case 7:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5]), h(args[6])}
	case 8:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5]), h(args[6]), h(args[7])}
	case 9:
		key.args = [...]arg{h(args[0]), h(args[1]), h(args[2]), h(args[3]), h(args[4]), h(args[5]), h(args[6]), h(args[7]), h(args[8])}
	default:
		panic("arity > 9, unreachable")
	}

	s.Globals.memoize[len(s.Globals.memoize)-1][key] = value
}

func (s *State) Instr(i int64) error {
	instructions := s.stats.EvalInstructions

	if s.Globals.cancel.Cancelled() {
		return context.Canceled
	}
	if instructions > s.Globals.Limits.Instructions {
		// TODO: Consider using context.WithCancelCause.
		return ErrInstructionsLimitExceeded
	}

	s.stats.EvalInstructions = instructions + i

	return nil
}

func (s *State) Args(n int) []Value {
	if cap(s.args) >= n {
		return s.args[0:n]
	}

	return make([]Value, n)
}

func (l *Locals) SetReturn(source Local, defined bool) {
	if defined {
		l.ret = source
	} else {
		l.ret = -1
	}
}

func (s *State) findReg(v Local) *registersList {
	buckets := int(v) / registersSize
	r := &s.locals.registers
	for range buckets {
		if r.next == nil {
			r.next = registersPool.Get().(*registersList)
		}
		r = r.next
	}

	return r
}

func (s *State) find2Regs(v1, v2 Local) (*registersList, *registersList) {
	buckets1 := int(v1) / registersSize
	buckets2 := int(v2) / registersSize

	r := &s.locals.registers
	r1, r2 := r, r

	for i := 0; i < buckets1 || i < buckets2; {
		next := r.next
		if next == nil {
			next = registersPool.Get().(*registersList)
			r.next = next
		}

		r = next
		i++

		if i == buckets1 {
			r1 = next
		}

		if i == buckets2 {
			r2 = next
		}
	}

	return r1, r2
}

func (c *cancel) Init(ctx context.Context) {
	c.exit = make(chan struct{})
	go c.wait(ctx)
}

func (c *cancel) FromTopdownCancel(ext topdown.Cancel) {
	c.extCancel = ext
}

func (c *cancel) Cancel() {
	if c.extCancel == nil {
		atomic.StoreInt32(&c.value, 1)
	} else {
		c.extCancel.Cancel()
	}
}

func (c *cancel) Cancelled() bool { // opa Cancel interface contains Cancelled function
	if c.extCancel == nil {
		return atomic.LoadInt32(&c.value) != 0
	}
	return c.extCancel.Cancelled()
}

func (c *cancel) Exit() {
	if c.exit != nil {
		close(c.exit)
	}
}

func (c *cancel) wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-c.exit:
	}

	c.Cancel()
}

func EvalOptsFromContext(ctx context.Context) EvalOpts {
	return ctx.Value(regoEvalOptsContextKey{}).(EvalOpts)
}
