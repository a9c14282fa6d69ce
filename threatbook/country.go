package threatbook

import "strings"

// countries maps ISO 3166-1 alpha-2 codes to Chinese names for the countries
// that show up most in threat intelligence.
var countries = map[string]string{
	"CN": "中国", "HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾",
	"US": "美国", "CA": "加拿大", "MX": "墨西哥", "BR": "巴西",
	"AR": "阿根廷", "CL": "智利", "CO": "哥伦比亚", "PE": "秘鲁",
	"VE": "委内瑞拉", "PA": "巴拿马", "VG": "英属维尔京群岛", "SC": "塞舌尔",
	"GB": "英国", "IE": "爱尔兰", "FR": "法国", "DE": "德国",
	"NL": "荷兰", "BE": "比利时", "LU": "卢森堡", "CH": "瑞士",
	"AT": "奥地利", "IT": "意大利", "ES": "西班牙", "PT": "葡萄牙",
	"SE": "瑞典", "NO": "挪威", "FI": "芬兰", "DK": "丹麦",
	"IS": "冰岛", "PL": "波兰", "CZ": "捷克", "SK": "斯洛伐克",
	"HU": "匈牙利", "RO": "罗马尼亚", "BG": "保加利亚", "GR": "希腊",
	"RS": "塞尔维亚", "HR": "克罗地亚", "SI": "斯洛文尼亚", "CY": "塞浦路斯",
	"MT": "马耳他", "LT": "立陶宛", "LV": "拉脱维亚", "EE": "爱沙尼亚",
	"UA": "乌克兰", "BY": "白俄罗斯", "MD": "摩尔多瓦", "RU": "俄罗斯",
	"KZ": "哈萨克斯坦", "UZ": "乌兹别克斯坦", "GE": "格鲁吉亚", "AM": "亚美尼亚",
	"TR": "土耳其", "IR": "伊朗", "IQ": "伊拉克", "IL": "以色列",
	"SA": "沙特阿拉伯", "AE": "阿联酋", "QA": "卡塔尔", "EG": "埃及",
	"MA": "摩洛哥", "DZ": "阿尔及利亚", "TN": "突尼斯", "NG": "尼日利亚",
	"KE": "肯尼亚", "ZA": "南非", "IN": "印度", "PK": "巴基斯坦",
	"BD": "孟加拉国", "LK": "斯里兰卡", "NP": "尼泊尔", "JP": "日本",
	"KR": "韩国", "KP": "朝鲜", "MN": "蒙古", "SG": "新加坡",
	"MY": "马来西亚", "TH": "泰国", "VN": "越南", "KH": "柬埔寨",
	"LA": "老挝", "MM": "缅甸", "PH": "菲律宾", "ID": "印度尼西亚",
	"AU": "澳大利亚", "NZ": "新西兰",
}

// CountryZH returns the Chinese name of a country by its ISO 3166-1 alpha-2
// code (case-insensitive). For an unknown or empty code it returns name
// verbatim.
func CountryZH(code, name string) string {
	if zh, ok := countries[code]; ok {
		return zh
	}
	if zh, ok := countries[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return zh
	}
	return name
}
