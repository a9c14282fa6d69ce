package intel

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an Error. Callers branch on codes, never on text.
type Code string

// Error codes.
const (
	EInvalid      Code = "invalid"      // bad input; the message says what is wrong
	EQuota        Code = "quota"        // a user or key budget is spent; ResetAt says when it returns
	EUpstream     Code = "upstream"     // the provider failed; retryable later
	ERateLimit    Code = "rate_limit"   // throttled; retry after RetryAfter
	ENotFound     Code = "not_found"    // nothing known
	EUnauthorized Code = "unauthorized" // the caller may not do this
	EConfig       Code = "config"       // operator configuration problem (bad key, unbound IP)
	EInternal     Code = "internal"     // a bug or an unexpected failure
)

// Error is tibot's application error. Message is the Simplified Chinese text
// shown to users; Detail is for operators and logs (English). Neither may
// contain a secret.
type Error struct {
	Code       Code
	Message    string        // user-facing, Chinese
	Detail     string        // operator-facing, English
	RetryAfter time.Duration // for ERateLimit
	ResetAt    time.Time     // for EQuota
	Err        error         // wrapped cause (must already be redacted)
}

// Error implements error with the operator view: "code: detail: cause".
func (e *Error) Error() string {
	s := string(e.Code)
	if e.Detail != "" {
		s += ": " + e.Detail
	} else if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with a Chinese user message and a formatted
// operator detail.
func Errorf(code Code, message, detailFormat string, args ...any) *Error {
	return &Error{Code: code, Message: message, Detail: fmt.Sprintf(detailFormat, args...)}
}

// AsError returns the *Error in err's chain, or an EInternal wrapping err.
// It returns nil for a nil err.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EInternal, Message: "内部错误", Err: err}
}

// ErrorCode returns the code of the *Error in err's chain, EInternal for any
// other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	return AsError(err).Code
}

// ErrorMessage returns the Chinese user message for err.
func ErrorMessage(err error) string {
	e := AsError(err)
	if e == nil {
		return ""
	}
	if e.Message != "" {
		return e.Message
	}
	return defaultMessages[e.Code]
}

var defaultMessages = map[Code]string{
	EInvalid:      "输入无效",
	EQuota:        "查询额度已用完",
	EUpstream:     "威胁情报服务暂时不可用, 请稍后再试",
	ERateLimit:    "查询过于频繁, 请稍后再试",
	ENotFound:     "未找到",
	EUnauthorized: "未授权",
	EConfig:       "服务配置有误, 请联系管理员",
	EInternal:     "内部错误",
}
