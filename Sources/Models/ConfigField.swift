// ConfigField: one entry of a config type's table of (HF key, property). Decoding starts from the
// type's defaults and takes each key a file has; encoding writes every field. So each default is
// spelled once (in the type's defaults) and each key once (in its table).

struct ConfigField<Config, Key: CodingKey> {
    let decode: (KeyedDecodingContainer<Key>, inout Config) throws -> Void
    let encode: (Config, inout KeyedEncodingContainer<Key>) throws -> Void

    init(decode: @escaping (KeyedDecodingContainer<Key>, inout Config) throws -> Void,
         encode: @escaping (Config, inout KeyedEncodingContainer<Key>) throws -> Void) {
        self.decode = decode
        self.encode = encode
    }

    /// A property a key may leave out (the default stays), always written.
    init<Value: Codable>(_ key: Key, _ path: WritableKeyPath<Config, Value>) {
        self.init(decode: { c, config in
            if let value = try c.decodeIfPresent(Value.self, forKey: key) { config[keyPath: path] = value }
        }, encode: { config, c in try c.encode(config[keyPath: path], forKey: key) })
    }

    /// An optional property: nil when the key is absent, written only when set.
    init<Value: Codable>(_ key: Key, _ path: WritableKeyPath<Config, Value?>) {
        self.init(decode: { c, config in config[keyPath: path] = try c.decodeIfPresent(Value.self, forKey: key) },
                  encode: { config, c in try c.encodeIfPresent(config[keyPath: path], forKey: key) })
    }

    /// A setting HF writes as null when it is off: a missing key keeps the default, null means `off`.
    init<Value: Codable>(_ key: Key, _ path: WritableKeyPath<Config, Value>, nullMeans off: Value) {
        self.init(decode: { c, config in
            if c.contains(key) { config[keyPath: path] = try c.decodeIfPresent(Value.self, forKey: key) ?? off }
        }, encode: { config, c in try c.encode(config[keyPath: path], forKey: key) })
    }
}

extension Array {
    /// `config` with every field of this table that `c` holds.
    func decode<Config, Key>(_ c: KeyedDecodingContainer<Key>, into config: inout Config) throws where Element == ConfigField<Config, Key> {
        for field in self { try field.decode(c, &config) }
    }

    /// Every field of this table of `config` into `c`.
    func encode<Config, Key>(_ config: Config, into c: inout KeyedEncodingContainer<Key>) throws where Element == ConfigField<Config, Key> {
        for field in self { try field.encode(config, &c) }
    }
}
