using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AskVideo.Tests.Hostile;

/// <summary>One hostile request: what it is (for the failure message) and how to build it.</summary>
public sealed record HostileRequest(string Operation, string Family, string Description, Func<HttpRequestMessage> Build);

/// <summary>
/// The resources the generated requests name, so that they reach the handlers: the owner's video,
/// group, chat log and share link; for the admin endpoints, a target account that only the admin's
/// requests name and its failed job (see <c>IsDestructiveAdminOperation</c>).
/// </summary>
public sealed record OwnerWorld(
    int VideoId, int GroupId, long ChatLogId, string ShareToken, string AccessToken,
    long FailedJobId, int TargetUserId);

/// <summary>Who sends the requests: the owner, or an administrator (whose token is forged from, too).</summary>
public sealed record HostileCaller(string Name, string AccessToken);

/// <summary>
/// Generates hostile requests for every operation of an OpenAPI document: path, query, body,
/// content type and credential families. A new endpoint is covered as soon as it is documented.
/// </summary>
public static class HostileRequests
{
    /// <summary>Text payloads: characters storage or display trips on, and injection attempts.</summary>
    public static readonly (string Name, string Value)[] Strings =
    [
        ("NUL", "a\u0000b"),
        ("lone high surrogate", "a\uD800b"),
        ("lone low surrogate", "\uDC00"),
        ("RTL override", "evil\u202Egpj.exe"),
        ("zero-width", "a\u200B\u200C\u200D\uFEFFb"),
        ("combining", "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301"),
        ("SQL", "1' OR '1'='1'; DROP TABLE videos; --"),
        ("path traversal", "../../../../etc/passwd"),
        ("CRLF header", "x\r\nSet-Cookie: hacked=1"),
        ("CSV formula", "=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("format string", "%s%s%n{0}{1}%x"),
        ("empty", ""),
        ("whitespace", " \t "),
        ("numeric prefix", "12abc"),
        ("NaN", "NaN"),
        ("int64 overflow", "9223372036854775808"),
    ];

    /// <summary>JSON values that are the wrong type, out of range, or not what a field can hold.</summary>
    public static readonly (string Name, string Json)[] Values =
    [
        ("null", "null"),
        ("object", "{\"a\":1}"),
        ("array", "[1,2]"),
        ("true", "true"),
        ("int32 overflow", "2147483648"),
        ("int64 overflow", "9223372036854775808"),
        ("huge float", "1e400"),
        ("float for int", "1.5"),
        ("negative", "-1"),
        ("zero", "0"),
        ("string number", "\"12abc\""),
    ];

    /// <summary>Values for ids in the path: none of them names a resource.</summary>
    public static readonly (string Name, string Segment)[] PathIds =
    [
        ("zero", "0"),
        ("negative", "-1"),
        ("int32 overflow", "2147483648"),
        ("int64 overflow", "9223372036854775808"),
        ("numeric prefix", "12abc"),
        ("float", "1.5"),
        ("NaN", "NaN"),
        ("encoded traversal", "..%2F..%2Fetc%2Fpasswd"),
        ("dot segments", "%2e%2e"),
        ("SQL", "1%27%20OR%20%271%27%3D%271"),
        ("invalid UTF-8", "%FF%FE"),
        ("encoded surrogate", "%ED%A0%80"),
        ("4096 characters", new string('a', 4096)),
    ];

    /// <summary>Query values: each one alone, the rest of the query left out.</summary>
    public static readonly (string Name, string Encoded)[] QueryValues =
    [
        ("NUL", "a%00b"),
        ("invalid UTF-8", "%C3%28"),
        ("encoded surrogate", "%ED%A0%80"),
        ("RTL override", "%E2%80%AE"),
        ("CRLF header", "x%0D%0ASet-Cookie:%20hacked=1"),
        ("SQL", "1%27%20OR%20%271%27%3D%271"),
        ("huge number", "99999999999999999999"),
        ("int32 overflow", "2147483648"),
        ("negative", "-1"),
        ("zero", "0"),
        ("float", "1.5"),
        ("NaN", "NaN"),
        ("numeric prefix", "12abc"),
        ("empty", ""),
        ("repeated", "1&{name}=2"),
        ("2000 characters", new string('a', 2000)),
        ("a million", "1000000"),
        ("int32 max", "2147483647"),
    ];

    public const string AdminPrefix = "/api/admin/";

    /// <summary>
    /// Every operation as the owner sends it (so the admin endpoints answer an ordinary user), then
    /// every <c>/api/admin/</c> operation again as an administrator, so the requests reach the handlers.
    /// </summary>
    public static IEnumerable<HostileRequest> For(JsonNode document, OwnerWorld world, HostileCaller admin)
    {
        var owner = new HostileCaller("owner", world.AccessToken);
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = document["paths"]!.AsObject()
            .SelectMany(item => item.Value!.AsObject().Select(op => (Path: item.Key, Method: op.Key, Operation: op.Value!.AsObject())))
            .ToList();
        return operations.SelectMany(op => ForOperation(op.Path, op.Method, op.Operation, schemas, world, owner))
            .Concat(operations.Where(op => op.Path.StartsWith(AdminPrefix, StringComparison.Ordinal))
                .SelectMany(op => ForOperation(op.Path, op.Method, op.Operation, schemas, world, admin)));
    }

    /// <summary>
    /// The admin operations that change or remove what they name (deactivate, reactivate, verify,
    /// delete a user; retry, discard a job). They are sent only in ways that must be refused: an id
    /// that names nothing, a forged credential, or a deletion whose confirmation cannot match. The
    /// valid ids in them name resources the fingerprint watches (the target account and its
    /// failed job), so one that took effect would show; none is sent a valid request, since then
    /// the fingerprint could no longer tell loss from a legitimate change. Quota changes are not in
    /// this list: a hostile but valid body (a limit of 0, a missing field) is an edit an admin may
    /// make, so the fingerprint leaves the target account's quotas out.
    /// </summary>
    private static bool IsDestructiveAdminOperation(HttpMethod method, string path) =>
        path.StartsWith(AdminPrefix, StringComparison.Ordinal)
        && (method == HttpMethod.Delete || method == HttpMethod.Post);

    private static IEnumerable<HostileRequest> ForOperation(
        string path, string method, JsonObject operation, JsonObject? schemas, OwnerWorld world, HostileCaller caller)
    {
        var name = $"{method.ToUpperInvariant()} {path}" + (caller.Name == "owner" ? "" : $" as {caller.Name}");
        var parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var pathParameters = parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).ToList();
        var query = parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList();
        var httpMethod = new HttpMethod(method.ToUpperInvariant());
        var url = Fill(path, pathParameters, world, hostile: null);
        var content = operation["requestBody"]?["content"]?.AsObject();
        var jsonSchema = content?["application/json"]?["schema"];
        var multipart = content?.ContainsKey("multipart/form-data") == true;
        var body = jsonSchema is null ? null : Baseline(jsonSchema, schemas, world, "");
        var destructive = httpMethod == HttpMethod.Delete || path.TrimEnd('/').EndsWith("/share", StringComparison.Ordinal)
            || path.TrimEnd('/').EndsWith("/retranscribe", StringComparison.Ordinal) || IsDestructiveAdminOperation(httpMethod, path);
        // A deletion confirmed by typing the account's name again: every body here names "x" or
        // a hostile value, never the target account's name, so every one must be refused.
        var confirmation = body?["confirm_username"] is not null;

        // Path: every path parameter in turn, with a hostile value (the others valid).
        foreach (var parameter in pathParameters)
        {
            // "%2e%2e" is a dot segment: the server resolves it to the parent path, a valid
            // request in its own right, which for a deletion would delete the parent.
            foreach (var (label, segment) in PathIds.Where(p => !(destructive && p.Name == "dot segments")))
            {
                var target = Fill(path, pathParameters, world, (parameter, segment));
                yield return new(name, "path", $"{parameter} = {label}",
                    () => Request(httpMethod, target, caller.AccessToken, body?.ToJsonString(), multipart));
            }
        }

        // Query: every declared parameter in turn. Nothing else in the request is hostile, so a
        // request that would change data is not sent with it.
        foreach (var parameter in destructive ? [] : query)
        {
            foreach (var (label, value) in QueryValues)
            {
                var target = $"{url}?{parameter}={value.Replace("{name}", parameter, StringComparison.Ordinal)}";
                yield return new(name, "query", $"{parameter} = {label}",
                    () => Request(httpMethod, target, caller.AccessToken, body?.ToJsonString(), multipart));
            }
        }

        // Credentials: malformed, tampered and unsigned tokens.
        foreach (var (label, header) in Credentials(caller.AccessToken))
        {
            yield return new(name, "credentials", label, () =>
            {
                var request = Request(httpMethod, url, null, body?.ToJsonString(), multipart);
                request.Headers.TryAddWithoutValidation("Authorization", header);
                return request;
            });
        }

        if (body is not null && (confirmation || !(destructive && pathParameters.Count > 0)))
        {
            foreach (var request in JsonBodies(name, httpMethod, url, body, caller))
            {
                yield return request;
            }
        }
        if (multipart)
        {
            foreach (var request in Multiparts(name, httpMethod, url, caller))
            {
                yield return request;
            }
        }
    }

    private static IEnumerable<HostileRequest> JsonBodies(string name, HttpMethod method, string url, JsonNode baseline, HostileCaller caller)
    {
        HostileRequest Raw(string family, string label, Func<HttpContent> content) =>
            new(name, family, label, () => new HttpRequestMessage(method, url)
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", caller.AccessToken) },
                Content = content(),
            });
        HostileRequest Json(string family, string label, string json) =>
            Raw(family, label, () => new StringContent(json, Encoding.UTF8, "application/json"));

        // Structure.
        foreach (var (label, json) in new[]
        {
            ("empty object", "{}"), ("null", "null"), ("array", "[]"), ("string", "\"x\""), ("number", "42"),
            ("invalid JSON", "{\"a\":}"), ("truncated JSON", baseline.ToJsonString()[..^1]), ("trailing garbage", baseline.ToJsonString() + "}"),
            ("NaN literal", "{\"a\":NaN}"), ("duplicate keys", "{\"a\":1,\"a\":2}"),
            ("depth 5000 arrays", new string('[', 5000) + new string(']', 5000)),
            ("depth 5000 objects", string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000)),
            ("2M-element array", "[" + string.Join(',', Enumerable.Repeat("0", 2_000_000)) + "]"),
        })
        {
            yield return Json("body", label, json);
        }
        yield return Raw("body", "invalid UTF-8", () => new ByteArrayContent([.. "{\"x\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8])
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
        });
        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data" })
        {
            yield return Raw("content type", type, () => new StringContent(baseline.ToJsonString(), Encoding.UTF8, type));
        }
        yield return Raw("content type", "none", () => new ByteArrayContent(Encoding.UTF8.GetBytes(baseline.ToJsonString())));

        // Every field of the body in turn: missing, then each hostile value; the rest valid.
        foreach (var leaf in Leaves(baseline, ""))
        {
            yield return Json("field", $"{leaf} missing", Replace(baseline, leaf, null, remove: true).ToJsonString());
            foreach (var (label, json) in Values)
            {
                yield return Json("field", $"{leaf} = {label}", WithRaw(baseline, leaf, json));
            }
            foreach (var (label, text) in Strings)
            {
                yield return Json("field", $"{leaf} = {label}", WithRaw(baseline, leaf, Literal(text)));
            }
        }

        // Size: the first field of the body as a 5 MB string, then as an array of two million numbers.
        if (Leaves(baseline, "").FirstOrDefault(leaf => leaf.Length > 0) is { } first)
        {
            yield return Json("size", $"{first} = 5 MB string", WithRaw(baseline, first, $"\"{new string('a', 5 * 1024 * 1024)}\""));
            yield return Json("size", $"{first} = 2M-element array",
                WithRaw(baseline, first, "[" + string.Join(',', Enumerable.Repeat("1", 2_000_000)) + "]"));
        }
    }

    private const string Placeholder = "__hostile_payload__";

    /// <summary>The body as JSON text with the leaf's value replaced by raw JSON, which may be anything at all.</summary>
    private static string WithRaw(JsonNode body, string leaf, string rawJson) =>
        Replace(body, leaf, JsonValue.Create(Placeholder)).ToJsonString().Replace($"\"{Placeholder}\"", rawJson, StringComparison.Ordinal);

    /// <summary>A JSON string literal written by hand: every non-ASCII or control character escaped, even a lone surrogate.</summary>
    private static string Literal(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }

    private static IEnumerable<HostileRequest> Multiparts(string name, HttpMethod method, string url, HostileCaller caller)
    {
        HostileRequest Raw(string label, string contentType, byte[] body) => new(name, "multipart", label, () =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return new HttpRequestMessage(method, url)
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", caller.AccessToken) },
                Content = content,
            };
        });
        static byte[] Part(string disposition, string body) =>
            Encoding.UTF8.GetBytes($"--b0undary\r\nContent-Disposition: form-data; {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n{body}\r\n");
        var end = "--b0undary--\r\n"u8.ToArray();
        var file = Part("name=\"file\"; filename=\"talk.mp3\"", "not audio at all");

        yield return Raw("no boundary", "multipart/form-data", [.. file, .. end]);
        yield return Raw("quoted empty boundary", "multipart/form-data; boundary=\"\"", [.. file, .. end]);
        yield return Raw("boundary too long", $"multipart/form-data; boundary={new string('b', 200)}", [.. file, .. end]);
        yield return Raw("truncated body", "multipart/form-data; boundary=b0undary", file[..(file.Length / 2)]);
        yield return Raw("no closing boundary", "multipart/form-data; boundary=b0undary", file);
        yield return Raw("two files", "multipart/form-data; boundary=b0undary", [.. file, .. file, .. end]);
        yield return Raw("no parts", "multipart/form-data; boundary=b0undary", end);
        foreach (var fileName in new[] { "../../../../etc/passwd.mp3", "..\\..\\windows\\win.ini.mp3", "/etc/cron.d/x.mp3", "a\u202Eevil3pm.exe", new string('a', 4096) + ".mp3", ".mp3", "" })
        {
            yield return Raw($"file name {fileName[..Math.Min(fileName.Length, 40)]}", "multipart/form-data; boundary=b0undary",
                [.. Part($"name=\"file\"; filename=\"{fileName}\"", "not audio at all"), .. end]);
        }
        yield return Raw("title part of 1 MB", "multipart/form-data; boundary=b0undary",
            [.. Part("name=\"title\"", new string('t', 1024 * 1024)), .. file, .. end]);
    }

    /// <summary>Forged credentials; the tampered and unsigned tokens carry the caller's own claims (an admin's, for the admin pass).</summary>
    private static IEnumerable<(string Label, string Header)> Credentials(string accessToken)
    {
        var parts = accessToken.Split('.');
        var unsigned = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        var tampered = accessToken[..^2] + (accessToken[^2] == 'A' ? 'B' : 'A') + accessToken[^1];
        yield return ("malformed token", "Bearer not-a-token");
        yield return ("tampered token", "Bearer " + tampered);
        yield return ("alg none token", "Bearer " + unsigned);
        yield return ("empty bearer", "Bearer ");
        yield return ("basic scheme", "Basic " + Convert.ToBase64String("admin:admin"u8.ToArray()));
        yield return ("huge token", "Bearer " + new string('a', 16 * 1024));
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static HttpRequestMessage Request(HttpMethod method, string url, string? accessToken, string? json, bool multipart)
    {
        var request = new HttpRequestMessage(method, url);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        else if (multipart)
        {
            var form = new MultipartFormDataContent { { new ByteArrayContent("not audio"u8.ToArray()), "file", "talk.mp3" } };
            request.Content = form;
        }
        return request;
    }

    /// <summary>The path with its parameters filled from the owner's world, one of them hostile.</summary>
    private static string Fill(string path, List<string> parameters, OwnerWorld world, (string Name, string Value)? hostile)
    {
        foreach (var parameter in parameters)
        {
            var value = hostile is { } h && h.Name == parameter ? h.Value : parameter switch
            {
                "token" => world.ShareToken,
                "videoId" => world.VideoId.ToString(CultureInfo.InvariantCulture),
                _ when path.StartsWith(AdminPrefix + "users/", StringComparison.Ordinal) => world.TargetUserId.ToString(CultureInfo.InvariantCulture),
                _ when path.StartsWith(AdminPrefix + "jobs/", StringComparison.Ordinal) => world.FailedJobId.ToString(CultureInfo.InvariantCulture),
                _ when path.StartsWith("/api/videos/groups/", StringComparison.Ordinal) => world.GroupId.ToString(CultureInfo.InvariantCulture),
                _ => world.VideoId.ToString(CultureInfo.InvariantCulture),
            };
            path = path.Replace("{" + parameter + "}", value, StringComparison.Ordinal);
        }
        return path;
    }

    /// <summary>A body of the schema's shape that names the owner's resources.</summary>
    private static JsonNode? Baseline(JsonNode schema, JsonObject? schemas, OwnerWorld world, string name, int depth = 0)
    {
        if (schema["$ref"] is { } reference && schemas is not null)
        {
            schema = schemas[((string)reference!).Split('/')[^1]]!;
        }
        if (depth > 4)
        {
            return null;
        }
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t is not "null"),
            JsonValue single => (string?)single,
            _ => schema["properties"] is not null ? "object" : null,
        };
        return type switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? []).Select(p =>
                KeyValuePair.Create(p.Key, Baseline(p.Value!, schemas, world, p.Key, depth + 1)))),
            "array" => new JsonArray(Baseline(schema["items"] ?? new JsonObject(), schemas, world, name.TrimEnd('s'), depth + 1)),
            "integer" or "number" => name switch
            {
                "group_id" => JsonValue.Create(world.GroupId),
                "video_id" or "video_ids" => JsonValue.Create(world.VideoId),
                "chat_log_id" => JsonValue.Create(world.ChatLogId),
                _ => JsonValue.Create(1),
            },
            "boolean" => JsonValue.Create(false),
            _ => name switch
            {
                "role" => JsonValue.Create("user"),
                "content" => JsonValue.Create("What is said?"),
                _ => JsonValue.Create("x"),
            },
        };
    }

    /// <summary>Paths of the leaves of a body: <c>title</c>, <c>messages[0].content</c>, <c>video_ids[0]</c>.</summary>
    private static IEnumerable<string> Leaves(JsonNode? node, string prefix) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Leaves(p.Value, prefix.Length == 0 ? p.Key : $"{prefix}.{p.Key}")),
        JsonArray array => array.SelectMany((item, i) => Leaves(item, $"{prefix}[{i}]")).Prepend(prefix),
        _ => [prefix],
    };

    /// <summary>A copy of <paramref name="body"/> with the leaf at <paramref name="path"/> replaced or removed.</summary>
    private static JsonNode Replace(JsonNode body, string path, JsonNode? value, bool remove = false)
    {
        var copy = body.DeepClone();
        JsonNode parent = copy;
        var steps = path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < steps.Length - 1; i++)
        {
            parent = steps[i].StartsWith('[') ? parent.AsArray()[int.Parse(steps[i][1..^1], CultureInfo.InvariantCulture)]! : parent[steps[i]]!;
        }
        var last = steps[^1];
        if (last.StartsWith('['))
        {
            var index = int.Parse(last[1..^1], CultureInfo.InvariantCulture);
            if (remove)
            {
                parent.AsArray().RemoveAt(index);
            }
            else
            {
                parent.AsArray()[index] = value;
            }
        }
        else if (remove)
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent[last] = value;
        }
        return copy;
    }
}
