/// ISO 3166-1 alpha-3 country codes (the 249 officially assigned codes, from the Debian
/// iso-codes data as packaged by pycountry 26.2.16). `allowedCountries` and
/// `selectedIssuingCountry` take these; the form silently ignores anything else.
package enum CountryCodes {
    package static let alpha3: Set<String> = [
        "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF", "ATG", "AUS", "AUT",
        "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL",
        "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF", "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG",
        "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM",
        "DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR",
        "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY",
        "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA",
        "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY",
        "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL",
        "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS", "MWI", "MYS", "MYT", "NAM",
        "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER",
        "PHL", "PLW", "PNG", "POL", "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU",
        "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
        "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON",
        "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT", "VEN", "VGB",
        "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF", "ZMB", "ZWE",
    ]

    /// `alpha3` as a bitmap over the 26³ three-letter upper-case words, so that checking a
    /// list of codes hashes nothing.
    private static let alpha3Bits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: (26 * 26 * 26 + 63) / 64)
        for code in alpha3 {
            if let slot = slot(code.utf8) { bits[slot >> 6] |= 1 << UInt64(slot & 63) }
        }
        return bits
    }()

    private static func slot<Bytes: Collection<UInt8>>(_ code: Bytes) -> Int? {
        guard code.count == 3 else { return nil }
        var slot = 0
        for byte in code {
            guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) else { return nil }
            slot = slot * 26 + Int(byte - UInt8(ascii: "A"))
        }
        return slot
    }

    /// Whether the UTF-8 `code` is in `alpha3` (the hot path of validating `allowedCountries`).
    package static func isAlpha3(_ code: Span<UInt8>) -> Bool {
        guard code.count == 3 else { return false }
        let a = code[0] &- UInt8(ascii: "A"), b = code[1] &- UInt8(ascii: "A"), c = code[2] &- UInt8(ascii: "A")
        guard a < 26, b < 26, c < 26 else { return false }
        let slot = (Int(a) * 26 + Int(b)) * 26 + Int(c)
        return alpha3Bits[slot >> 6] & (1 << UInt64(slot & 63)) != 0
    }
}
