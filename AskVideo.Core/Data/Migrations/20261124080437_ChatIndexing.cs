using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;
using Pgvector;

#nullable disable

namespace AskVideo.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChatIndexing : Migration
    {
        // ISO 639-1 codes of the languages PostgreSQL (12 and later) has a stemmer for.
        private const string CreateSearchConfigFunction = """
            CREATE FUNCTION askvideo_search_config(language text) RETURNS regconfig
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT CASE lower(language)
                WHEN 'ar' THEN 'arabic'::regconfig WHEN 'da' THEN 'danish'::regconfig
                WHEN 'nl' THEN 'dutch'::regconfig WHEN 'en' THEN 'english'::regconfig
                WHEN 'fi' THEN 'finnish'::regconfig WHEN 'fr' THEN 'french'::regconfig
                WHEN 'de' THEN 'german'::regconfig WHEN 'el' THEN 'greek'::regconfig
                WHEN 'hu' THEN 'hungarian'::regconfig WHEN 'id' THEN 'indonesian'::regconfig
                WHEN 'ga' THEN 'irish'::regconfig WHEN 'it' THEN 'italian'::regconfig
                WHEN 'lt' THEN 'lithuanian'::regconfig WHEN 'ne' THEN 'nepali'::regconfig
                WHEN 'no' THEN 'norwegian'::regconfig WHEN 'nb' THEN 'norwegian'::regconfig
                WHEN 'nn' THEN 'norwegian'::regconfig WHEN 'pt' THEN 'portuguese'::regconfig
                WHEN 'ro' THEN 'romanian'::regconfig WHEN 'ru' THEN 'russian'::regconfig
                WHEN 'es' THEN 'spanish'::regconfig WHEN 'sv' THEN 'swedish'::regconfig
                WHEN 'ta' THEN 'tamil'::regconfig WHEN 'tr' THEN 'turkish'::regconfig
                ELSE 'simple'::regconfig
            END $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Vector>(
                name: "Embedding",
                table: "scenes",
                type: "vector(1536)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmbeddingModel",
                table: "scenes",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "scenes",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "scenes",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Feedback",
                table: "chat_logs",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "InputTokens",
                table: "chat_logs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsSharedOrigin",
                table: "chat_logs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Model",
                table: "chat_logs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OutputTokens",
                table: "chat_logs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RetrievedJson",
                table: "chat_logs",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            // PostgreSQL cannot change a generated column's expression: the column is made again.
            migrationBuilder.Sql(CreateSearchConfigFunction);
            migrationBuilder.DropIndex(name: "IX_scenes_SearchVector", table: "scenes");
            migrationBuilder.DropColumn(name: "SearchVector", table: "scenes");
            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "SearchVector",
                table: "scenes",
                type: "tsvector",
                nullable: false,
                computedColumnSql: "to_tsvector(askvideo_search_config(\"Language\"), coalesce(\"SearchText\", \"Text\"))",
                stored: true);
            migrationBuilder.CreateIndex(name: "IX_scenes_SearchVector", table: "scenes", column: "SearchVector")
                .Annotation("Npgsql:IndexMethod", "GIN");
            // Scenes stored before this migration take their video's language.
            migrationBuilder.Sql("""
                UPDATE scenes AS s SET "Language" = v."Language" FROM videos AS v WHERE v."Id" = s."VideoId";
                """);

            migrationBuilder.CreateTable(
                name: "answer_usage",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_answer_usage", x => new { x.UserId, x.Month });
                    table.ForeignKey(
                        name: "FK_answer_usage_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_scenes_Embedding",
                table: "scenes",
                column: "Embedding")
                .Annotation("Npgsql:IndexMethod", "hnsw")
                .Annotation("Npgsql:IndexOperators", new[] { "vector_cosine_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "answer_usage");

            migrationBuilder.DropIndex(
                name: "IX_scenes_Embedding",
                table: "scenes");

            migrationBuilder.DropColumn(
                name: "Embedding",
                table: "scenes");

            migrationBuilder.DropColumn(
                name: "EmbeddingModel",
                table: "scenes");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "scenes");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "scenes");

            migrationBuilder.DropColumn(
                name: "Feedback",
                table: "chat_logs");

            migrationBuilder.DropColumn(
                name: "InputTokens",
                table: "chat_logs");

            migrationBuilder.DropColumn(
                name: "IsSharedOrigin",
                table: "chat_logs");

            migrationBuilder.DropColumn(
                name: "Model",
                table: "chat_logs");

            migrationBuilder.DropColumn(
                name: "OutputTokens",
                table: "chat_logs");

            migrationBuilder.DropColumn(
                name: "RetrievedJson",
                table: "chat_logs");

            migrationBuilder.DropIndex(name: "IX_scenes_SearchVector", table: "scenes");
            migrationBuilder.DropColumn(name: "SearchVector", table: "scenes");
            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "SearchVector",
                table: "scenes",
                type: "tsvector",
                nullable: false)
                .Annotation("Npgsql:TsVectorConfig", "simple")
                .Annotation("Npgsql:TsVectorProperties", new[] { "Text" });
            migrationBuilder.CreateIndex(name: "IX_scenes_SearchVector", table: "scenes", column: "SearchVector")
                .Annotation("Npgsql:IndexMethod", "GIN");
            migrationBuilder.Sql("DROP FUNCTION askvideo_search_config(text);");
        }
    }
}
