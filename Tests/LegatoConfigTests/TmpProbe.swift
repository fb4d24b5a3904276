import Testing
import LegatoConfig
@Test func probe() {
    let cases = [
      "listeners:\n  - address: 127.0.0.1\n    transports: [udp, tcp\nroutes:\n  - action: reject\n    code: 503\n",
      "listeners:\n  - address: 127.0.0.1\n    port: 5060\n   transports: [udp]\n",
      "listeners:\n\t- address: 1.2.3.4\n",
      "a: 1\n---\nb: 2\n",
      "listeners: *x\n",
      "- a\n- b\n",
      "listeners:\n  - address: 127.0.0.1\n    port: 05060\n    tls_port: 0x10\nsignalling:\n  no_answer_timeout: .inf\n  user_agent: ''\nroutes:\n  - action: reject\n    code: 486\n    reason: No\n    name: 12\n",
      "listeners:\n  - address: www.example.com\n  - address: 127.0.0.1\n    transports: [tls]\n    port: 5061\n    tls_certificate: a\n    tls_key: b\n  - address: 127.0.0.1\n    transports: [tcp, tls]\n    tls_certificate: a\n    tls_key: b\n    tls_port: 5060\nroutes:\n  - action: bridge\n    trunk: x\n    mode: proxy\n    headers:\n      allow: ^X-\n",
      "listeners: [{address: 127.0.0.1, port: 1}, {address: 127.0.0.1, port: 1}]\nroutes:\n  - {action: reject, code: 404, code: 405}\n",
      "listeners:\n  - address: 127.0.0.1\nroutes:\n  - action: reject\n    code: 404\n    match:\n      headers:\n        X-A: a\n        x-a: b\n        'Bad Header': c\n      from_user: [1]\n",
    ]
    for c in cases {
        do { let x = try ConfigLoader.parse(c, path: "t.conf"); print("OK", x) } catch { print("----\n\(error)") }
    }
}
