namespace AskVideo.Api.Infrastructure;

/// <summary>A request body that can say which of its fields are wrong.</summary>
public interface IValidatable
{
    /// <summary>Field name (as in JSON) to messages; empty when the request is valid.</summary>
    Dictionary<string, string[]> Validate();
}

public static class Validation
{
    /// <summary>Answers 400 with a ValidationProblem naming the fields before the handler runs.</summary>
    public static TBuilder Validated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            foreach (var argument in context.Arguments)
            {
                if (argument is IValidatable request && request.Validate() is { Count: > 0 } errors)
                {
                    return TypedResults.ValidationProblem(errors, title: "Some fields are not valid.");
                }
            }
            return await next(context);
        });

    /// <summary>Collects errors field by field.</summary>
    public sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = [];

        public Errors Required(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, "This field is required.");
            }
            return this;
        }

        public Errors MaxLength(string field, string? value, int max)
        {
            if (value is not null && value.Length > max)
            {
                Add(field, $"At most {max} characters.");
            }
            return this;
        }

        public Errors Check(string field, bool valid, string message)
        {
            if (!valid)
            {
                Add(field, message);
            }
            return this;
        }

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var messages))
            {
                _errors[field] = messages = [];
            }
            messages.Add(message);
        }

        public bool Has(string field) => _errors.ContainsKey(field);

        public Dictionary<string, string[]> ToDictionary() =>
            _errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray());
    }
}
