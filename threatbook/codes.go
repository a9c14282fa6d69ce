package threatbook

import (
	"strings"

	"tibot/intel"
)

// action is what the client does with an answer's response_code.
type action uint8

const (
	actData      action = iota // 0 or 2: use data (2 = no data)
	actPartial                 // 1: use data, key spent, retry the rest on another key
	actExhausted               // -4 daily/quota limit: key spent until reset, try another key
	actRateLimit               // -4 Frequent Limitation: rest the key, try another key
	actBadKey                  // -1 key-specific: disable the key for the process, try another key
	actFail                    // anything else: fail the request with the error
)

// Response codes (api.md §3).
const (
	codeOK      = 0
	codePartial = 1
	codeNoData  = 2
	codeSystem  = -5
)

// keyProblems are the -1 messages that concern one key (or its account), so
// that another key may still work. Matched as lower-case prefixes.
var keyProblems = []struct{ prefix, message string }{
	{"invalid access ip", "API 密钥未绑定本机出口 IP, 请在微步控制台添加访问 IP"},
	{"invalid api key", "微步 API 密钥无效, 请检查 THREATBOOK_API_KEYS 配置"},
	{"expired api key", "微步 API 密钥已过期, 请续期或更换密钥"},
	{"invalid key status", "微步 API 密钥状态异常 (可能已停用), 请在微步控制台检查"},
	{"invalid account status", "微步账户状态异常, 请在微步控制台检查账户"},
	{"no access to api method", "该微步 API 密钥无权调用此接口, 请在微步控制台开通"},
}

// classifyCode maps a response_code and verbose_msg to an action and, for
// the error actions, the *intel.Error to report. msg must already be
// scrubbed of secrets.
func classifyCode(code int, msg, keyID string) (action, *intel.Error) {
	lower := strings.ToLower(strings.TrimSpace(msg))
	switch {
	case code == codeOK || code == codeNoData:
		return actData, nil
	case code == codePartial:
		return actPartial, nil
	case code == -1:
		return classifyMinusOne(lower, msg, keyID)
	case code == -2:
		return actFail, intel.Errorf(intel.EInternal, "微步 API 接口调用错误 (内部错误)",
			"threatbook -2 %q: wrong API path or method (client bug)", msg)
	case code == -3:
		return actFail, intel.Errorf(intel.EInternal, "微步 API 请求缺少参数 (内部错误)",
			"threatbook -3 %q: missing parameter (client bug)", msg)
	case code == -4 && strings.Contains(lower, "frequent"):
		return actRateLimit, nil
	case code == -4:
		return actExhausted, nil
	case code == codeSystem:
		return actFail, systemError(msg)
	default:
		return actFail, intel.Errorf(intel.EUpstream, "微步 API 返回了无法识别的状态, 请稍后再试",
			"threatbook unexpected response_code %d %q", code, msg)
	}
}

func classifyMinusOne(lower, msg, keyID string) (action, *intel.Error) {
	for _, p := range keyProblems {
		if strings.HasPrefix(lower, p.prefix) {
			return actBadKey, intel.Errorf(intel.EConfig, p.message,
				"threatbook key %s rejected: -1 %q", keyID, msg)
		}
	}
	if strings.HasPrefix(lower, "invalid parameter") {
		return actFail, intel.Errorf(intel.EInvalid, "微步 API 拒绝了查询参数 (IP 地址格式无效)",
			"threatbook -1 %q", msg)
	}
	return actFail, intel.Errorf(intel.EConfig, "微步 API 拒绝了请求 (权限受限), 请联系管理员",
		"threatbook key %s: -1 %q", keyID, msg)
}

func systemError(msg string) *intel.Error {
	return intel.Errorf(intel.EUpstream, "微步服务器系统错误, 请稍后再试",
		"threatbook -5 %q after retries", msg)
}

// upstreamError is the error for a failed exchange (transport, HTTP status,
// unreadable body); cause must already be redacted.
func upstreamError(detail string, cause error) *intel.Error {
	return &intel.Error{
		Code:    intel.EUpstream,
		Message: "微步 API 暂时不可用, 请稍后再试",
		Detail:  detail,
		Err:     cause,
	}
}
