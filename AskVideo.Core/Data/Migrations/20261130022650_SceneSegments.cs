using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AskVideo.Core.Data.Migrations
{
    /// <summary>
    /// Scenes keep the timed segments they are made of, which citations point at. Scenes stored
    /// before get the transcript segments they span.
    /// </summary>
    public partial class SceneSegments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Segments",
                table: "scenes",
                type: "jsonb",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE scenes AS s SET "Segments" = (
                    SELECT jsonb_agg(jsonb_build_object('start', g."Start", 'end', g."End", 'text', g."Text") ORDER BY g."Start", g."Index")
                    FROM transcript_segments AS g
                    WHERE g."VideoId" = s."VideoId" AND g."Start" < s."End" - 0.005 AND g."End" > s."Start" + 0.005)
                WHERE s."Segments" IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Segments",
                table: "scenes");
        }
    }
}
